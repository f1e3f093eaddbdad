# The widget family (/api/chats/...): Qt Test over loopback and the guide's own JavaScript.
lobby_test(tst_widget api/tst_widget.cpp)
lobby_test(tst_assistant unit/tst_assistant.cpp)
lobby_node_test(node_widget widget.test.js)
lobby_node_test(browser_widget widget.browser.test.js)
lobby_node_test(browser_widget_hours widget.hours.browser.test.js)
lobby_node_test(node_widget_presence widget.presence.test.js)
lobby_node_test(node_crossfamily crossfamily.test.js)
