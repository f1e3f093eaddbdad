# The front desk day (tests/e2e/frontdesk.test.js): the real console on an Xvfb display driven
# with xdotool, the guest page and the /demo/ widget in Chromium, a customer on the v1 socket.
add_test(NAME e2e_frontdesk
         COMMAND node --test --test-concurrency=1 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/frontdesk.test.js)
set_tests_properties(e2e_frontdesk PROPERTIES FIXTURES_REQUIRED node TIMEOUT 300
    ENVIRONMENT "LOBBY=$<TARGET_FILE:lobby>;NODE_PATH=${CMAKE_BINARY_DIR}/node/node_modules")
