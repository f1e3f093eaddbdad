# Pusher protocol parity (channel and user APIs, cache and encrypted channels, presence limits).
lobby_node_test(node_pusher_parity pusher.parity.test.js)
lobby_node_test(node_pusher_webhooks pusher.webhooks.test.js)
lobby_test(tst_pusherwebhooks unit/tst_pusherwebhooks.cpp)
add_test(NAME tst_pusherwebhooks_pg COMMAND tst_pusherwebhooks)
set_tests_properties(tst_pusherwebhooks_pg PROPERTIES FIXTURES_REQUIRED postgres TIMEOUT 300
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LOBBY_TEST_DATABASE=${CMAKE_BINARY_DIR}/postgres/url")
