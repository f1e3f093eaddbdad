# The guest page behind the room QR code, in real headless Chromium.
lobby_node_test(browser_guest guest.browser.test.js)
