# Accounts family: app API v1 (REST + WebSocket) and direct chat.
lobby_test(tst_accounts api/tst_accounts.cpp)
target_link_libraries(tst_accounts PRIVATE Qt6::Gui)
lobby_node_test(node_v1_chat v1chat.test.js)
lobby_node_test(node_direct_chat directchat.test.js)
