# Hotel guest chat and the Pusher protocol.
lobby_test(tst_pusher unit/tst_pusher.cpp)
lobby_test(tst_guestdomain unit/tst_guestdomain.cpp)
lobby_test(tst_guestapi api/tst_guestapi.cpp)
lobby_node_test(node_guest guest.test.js)
