# The benchmarks' fast paths (bench/): the fast paths behind the figures give the same answers as the plain
# code (direct JSON writing, page-bounded read receipts, grouped unread counts, the cached FAQ
# index, the console's stall report). Timing itself lives in bench/, never in tests.
lobby_test(tst_fastpaths unit/tst_fastpaths.cpp)
# A second run on PostgreSQL (the fixture and URL file of tests/postgres.cmake).
add_test(NAME tst_fastpaths_pg COMMAND tst_fastpaths)
set_tests_properties(tst_fastpaths_pg PROPERTIES FIXTURES_REQUIRED postgres TIMEOUT 300
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LOBBY_TEST_DATABASE=${CMAKE_BINARY_DIR}/postgres/url")

# The console's opt-in LOBBY_SIGN_IN and LOBBY_STALL_REPORT with the real binary (offscreen).
add_test(NAME console_env COMMAND ${CMAKE_COMMAND} -E env LOBBY=$<TARGET_FILE:lobby>
         bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/console_env.sh)
set_tests_properties(console_env PROPERTIES TIMEOUT 120)
