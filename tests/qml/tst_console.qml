import QtQuick
import QtTest
import Lobby.Console

// The main views: signing in, filters, search, switching conversations, sending a reply.
Item {
    id: root

    width: 1280
    height: 800

    ConsoleView {
        id: view
        anchors.fill: parent
        backend: consoleBackend
    }

    TestCase {
        id: test

        name: "Console"
        when: windowShown

        function find(name) {
            const item = findChild(view, name);
            verify(item !== null, "no item named " + name);
            return item;
        }
        function delegateTitled(title) {
            const list = find("inboxList");
            list.forceLayout();
            const rows = list.contentItem.children;
            for (let i = 0; i < rows.length; ++i) {
                if (rows[i].title === title && rows[i].visible)
                    return rows[i];
            }
            return null;
        }
        // Waits for the inbox row titled `title` and returns it.
        function row(title) {
            tryVerify(() => delegateTitled(title) !== null, 5000, "no inbox row " + title);
            return delegateTitled(title);
        }
        function type(item, text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i]);
        }

        function test_1_signIn() {
            verify(!consoleBackend.signedIn);
            const email = find("emailField");
            const password = find("passwordField");
            email.text = "admin@lobby.demo";
            password.text = "not-the-password";
            mouseClick(find("signInButton"));
            tryVerify(() => find("signInError").visible, 15000);
            verify(!consoleBackend.signedIn);

            password.text = "lobby-admin";
            mouseClick(find("signInButton"));
            tryVerify(() => consoleBackend.signedIn, 15000);
            tryCompare(find("inboxList"), "count", 4, 5000);
        }

        function test_2_filters() {
            const list = find("inboxList");
            mouseClick(find("filter-1")); // Mine: Room 205 is handled by the admin
            tryCompare(list, "count", 1);
            row("Room 205");
            mouseClick(find("filter-2")); // Unassigned
            tryCompare(list, "count", 3);
            verify(delegateTitled("Room 205") === null);
            mouseClick(find("filter-3")); // Archived
            tryCompare(list, "count", 0);
            mouseClick(find("filter-0")); // All
            tryCompare(list, "count", 4);
        }

        function test_3_searchFindsMessageText() {
            const list = find("inboxList");
            const search = find("searchField");
            mouseClick(search);
            type(search, "pillows"); // only in an older message of Room 205
            compare(search.text, "pillows");
            tryCompare(list, "count", 1, 5000);
            row("Room 205");
            search.text = "";
            tryCompare(list, "count", 4, 5000);
        }

        function test_4_switchingConversations() {
            const messages = find("messageList");
            mouseClick(row("Room 205"));
            tryCompare(find("conversationTitle"), "text", "Room 205", 5000);
            tryCompare(messages, "count", 5, 5000);

            mouseClick(row("Alex Murphy"));
            tryCompare(find("conversationTitle"), "text", "Alex Murphy", 5000);
            tryCompare(messages, "count", 1, 5000);
            // Opening it reads it: its unread badge goes away.
            tryCompare(row("Alex Murphy"), "unreadCount", 0, 5000);
        }

        function test_5_sendingAReply() {
            mouseClick(row("Alex Murphy"));
            tryCompare(find("conversationTitle"), "text", "Alex Murphy", 5000);
            const messages = find("messageList");
            tryCompare(messages, "count", 1, 5000);
            const input = find("composerInput");
            mouseClick(input);
            type(input, "Sure,");
            keyClick(Qt.Key_Return, Qt.ShiftModifier); // a new line, not sent
            type(input, "13:00 works");
            compare(input.text, "Sure,\n13:00 works");
            compare(messages.count, 1);
            keyClick(Qt.Key_Return);
            compare(input.text, "");
            tryCompare(messages, "count", 2, 5000);
            compare(consoleBackend.messages.data(consoleBackend.messages.index(0, 0), Qt.UserRole + 7), "Sure,\n13:00 works");
            // The staff member who answers takes the conversation.
            tryCompare(find("takeOverButton"), "visible", false, 5000);
            tryCompare(row("Alex Murphy"), "preview", "Sure, 13:00 works", 5000);
        }

        function test_5b_attachingAFile() {
            mouseClick(row("Alex Murphy"));
            const messages = find("messageList");
            tryCompare(messages, "count", 2, 5000);
            verify(find("attachButton").visible);
            const model = consoleBackend.messages;
            consoleBackend.attachFile(testImageUrl, "Our map");
            tryCompare(messages, "count", 3, 5000);
            compare(model.data(model.index(0, 0), Qt.UserRole + 6), "image");
            compare(model.data(model.index(0, 0), Qt.UserRole + 7), "Our map");
            const mediaUrl = model.data(model.index(0, 0), Qt.UserRole + 8);
            verify(mediaUrl.startsWith("/uploads/chat/"), mediaUrl);
            // The console fetches it as its staff member; without the token it is not served.
            tryVerify(() => consoleBackend.mediaToken.length > 0, 5000);
            compare(fetchStatus(consoleBackend.serverUrl + mediaUrl + "?token=" + consoleBackend.mediaToken), 200);
            compare(fetchStatus(consoleBackend.serverUrl + mediaUrl), 401);
            // What may not be sent is refused and nothing is posted.
            consoleBackend.attachFile(testScriptUrl, "");
            wait(300);
            compare(messages.count, 3);
        }

        function fetchStatus(address) {
            const request = new XMLHttpRequest();
            let status = 0;
            request.onreadystatechange = () => {
                if (request.readyState === XMLHttpRequest.DONE)
                    status = request.status;
            };
            request.open("GET", address);
            request.send();
            tryVerify(() => status !== 0, 5000);
            return status;
        }

        function test_6_archiving() {
            mouseClick(row("Room 102"));
            tryCompare(find("conversationTitle"), "text", "Room 102", 5000);
            tryCompare(find("archiveButton"), "text", "Archive conversation", 5000);
            mouseClick(find("archiveButton"));
            const list = find("inboxList");
            tryCompare(list, "count", 3, 5000);
            mouseClick(find("filter-3"));
            tryCompare(list, "count", 1, 5000);
            tryCompare(find("archiveButton"), "text", "Move back to inbox", 5000);
            mouseClick(find("archiveButton")); // back to the inbox
            tryCompare(list, "count", 0, 5000);
            mouseClick(find("filter-0"));
            tryCompare(list, "count", 4, 5000);
        }

        function test_7_settingsShowRoomsAndTheServer() {
            mouseClick(find("settingsButton"));
            const rooms = consoleBackend.rooms;
            tryCompare(rooms, "count", 3, 5000);
            compare(rooms.get(2).number, "205");
            compare(consoleBackend.guestPageUrl("205").endsWith("/chat/hotel-killarney/messages/room/205/validate-chat-pin"), true);
            compare(consoleBackend.faq.count, 6);
            compare(consoleBackend.staffAccounts.count, 2);
        }
    }
}
