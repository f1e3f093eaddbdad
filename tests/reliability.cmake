# Reliability and security (issue 9): bad input, tenancy and auth, WebSocket protocol negatives.
# Each suite runs one in-process LobbyServer over a demo-like world (tests/reliability/world.*).
add_library(reliability_world STATIC reliability/world.h reliability/world.cpp)
target_link_libraries(reliability_world PUBLIC testsupport Qt6::Gui)
foreach(suite badinput tenancy wsprotocol)
    lobby_test(tst_${suite} reliability/tst_${suite}.cpp)
    target_link_libraries(tst_${suite} PRIVATE reliability_world)
endforeach()
