# Pusher protocol parity (channel and user APIs, cache and encrypted channels, presence limits).
lobby_node_test(node_pusher_parity pusher.parity.test.js)
