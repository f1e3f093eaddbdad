# Reliability and security: bad input, tenancy and auth, WebSocket protocol negatives; bounded
# output and quotas (tst_streams); HTTP framing and connection limits (tst_framing).
# Each suite runs one in-process LobbyServer over a demo-like world (tests/reliability/world.*).
add_library(reliability_world STATIC reliability/world.h reliability/world.cpp)
target_link_libraries(reliability_world PUBLIC testsupport Qt6::Gui)
foreach(suite badinput tenancy wsprotocol streams framing)
    lobby_test(tst_${suite} reliability/tst_${suite}.cpp)
    target_link_libraries(tst_${suite} PRIVATE reliability_world)
endforeach()

# Reconnect catch-up in every family (app v1, direct, hotel guest on pusher-js, widget SSE), with
# real npm clients against a headless lobby.
lobby_node_test(node_reconnect reconnect.test.js)
