# Guest requests: the domain's rules, both APIs over loopback, the Pusher event in pusher-js,
# the guest page's Requests tab in Chromium.
lobby_test(tst_requests unit/tst_requests.cpp)
lobby_test(tst_requestsapi api/tst_requestsapi.cpp)
lobby_node_test(node_requests requests.test.js)
lobby_node_test(browser_requests requests.browser.test.js)
