import QtQuick
import QtQuick.Controls
import QtTest
import Lobby.Console

// The main views: signing in, filters, search, switching conversations, sending a reply,
// the settings a receptionist copies links from, signing out.
Item {
    id: root

    width: 1280
    height: 800

    ConsoleView {
        id: view
        anchors.fill: parent
        backend: consoleBackend
        requests: consoleRequests
    }

    // Every icon the console uses, as the views draw them.
    Row {
        id: iconSheet
        y: 0
        z: 100
        Repeater {
            model: ["archive", "check", "check-double", "close", "copy", "direct", "file", "paperclip", "play", "quick-replies", "search", "send", "settings", "sign-out", "take-over", "unarchive"]
            Icon {
                required property string modelData
                symbol: modelData
                size: 24
                color: "black"
            }
        }
    }

    TextField {
        id: pasteTarget
        visible: false
    }

    TestCase {
        id: test

        name: "Console"
        when: windowShown

        property string websiteKey
        property var visitors: []
        property var streams: []

        function find(name) {
            const item = findChild(view, name) ?? deepFind(view, name, []);
            verify(item !== null, "no item named " + name);
            return item;
        }
        // Also inside popups (settings, dialogs, menus) and what Repeaters made, which
        // findChild's QObject walk does not reach.
        function deepFind(object, name, seen) {
            if (!object || seen.indexOf(object) >= 0)
                return null;
            seen.push(object);
            if (object.objectName === name)
                return object;
            for (const list of [object.children, object.resources, object.contentData]) {
                for (let i = 0; list && i < list.length; ++i) {
                    const found = deepFind(list[i], name, seen);
                    if (found)
                        return found;
                }
            }
            for (const child of [object.contentItem, object.popupItem]) {
                const found = child ? deepFind(child, name, seen) : null;
                if (found)
                    return found;
            }
            return null;
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

        function test_0_lockoutSaysHowLongInWords() {
            const email = find("emailField");
            const password = find("passwordField");
            email.text = "nobody@lobby.demo";
            for (let attempt = 0; attempt < 6; ++attempt) {
                password.text = "wrong-" + attempt;
                mouseClick(find("signInButton"));
                tryCompare(password, "text", "", 15000); // cleared after each failed attempt
            }
            compare(find("signInError").text, "Too many attempts. Try again in 5 minutes.");
            email.text = "";
        }

        function test_1_signIn() {
            verify(!consoleBackend.signedIn);
            const email = find("emailField");
            const password = find("passwordField");
            email.text = "admin@lobby.demo";
            password.text = "not-the-password";
            mouseClick(find("signInButton"));
            tryCompare(find("signInError"), "text", "Wrong email or password.", 15000);
            verify(find("signInError").visible);
            verify(!consoleBackend.signedIn);
            compare(password.text, ""); // not left for the next try
            compare(email.text, "admin@lobby.demo");

            password.text = "lobby-admin";
            mouseClick(find("signInButton"));
            tryVerify(() => consoleBackend.signedIn, 15000);
            tryCompare(find("inboxList"), "count", 4, 5000);
            // The header speaks of guests, not of servers and connections.
            compare(find("serverStatus").text, "Online · guests reach you at " + consoleBackend.publicUrl);
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
            // Named live as the history names it, though the admin had not written here before.
            compare(consoleBackend.messages.data(consoleBackend.messages.index(0, 0), Qt.UserRole + 3), consoleBackend.staff.name);
            verify(consoleBackend.staff.name !== "Staff");
            // The staff member who answers takes the conversation.
            tryCompare(find("takeOverButton"), "visible", false, 5000);
            tryCompare(row("Alex Murphy"), "preview", "Sure, 13:00 works", 5000);
        }

        function test_5a_aFirstReplyIsNamedAtOnce() {
            mouseClick(row("Room 102")); // only the guest and the assistant wrote here
            tryCompare(find("conversationTitle"), "text", "Room 102", 5000);
            const messages = find("messageList");
            tryCompare(messages, "count", 2, 5000);
            const input = find("composerInput");
            mouseClick(input);
            type(input, "Late check-out is fine.");
            keyClick(Qt.Key_Return);
            tryCompare(messages, "count", 3, 5000);
            const model = consoleBackend.messages;
            compare(model.data(model.index(0, 0), Qt.UserRole + 7), "Late check-out is fine.");
            compare(model.data(model.index(0, 0), Qt.UserRole + 3), consoleBackend.staff.name);
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
            const rooms = consoleBackend.settings.rooms;
            tryCompare(rooms, "count", 3, 5000);
            compare(rooms.get(2).number, "205");
            compare(consoleBackend.settings.guestPageUrl("205").endsWith("/chat/hotel-killarney/messages/room/205/validate-chat-pin"), true);
            compare(consoleBackend.settings.faq.count, 6);
            compare(consoleBackend.settings.staffAccounts.count, 2);
        }

        function test_8_serverTabLinksWork() {
            const dialog = find("settingsDialog");
            if (!dialog.opened)
                mouseClick(find("settingsButton"));
            tryCompare(dialog, "opened", true, 5000);
            // Again until it takes: a click while the dialog is still settling can miss.
            const serverTab = find("settingsTab-4");
            tryVerify(() => {
                mouseClick(serverTab);
                return serverTab.checked;
            }, 5000);
            // One working link per room of the hotel, not a made-up room without the hotel.
            for (const number of ["101", "102", "205"]) {
                const link = find("guestLink-" + number);
                tryVerify(() => link.text.length > 0, 5000);
                verify(link.text.indexOf("/chat/hotel-killarney/messages/room/" + number + "/") > 0, link.text);
                compare(fetchStatus(link.text), 200);
            }
            const snippet = find("widgetSnippet").text;
            compare(snippet, '<script src="' + consoleBackend.publicUrl + '/widget.js" data-api-key="PASTE-YOUR-WEBSITE-KEY-HERE"></script>');
            compare(fetchStatus(consoleBackend.publicUrl + "/widget.js"), 200);
            mouseClick(find("widgetSnippet-copy"));
            compare(pasted(), snippet);
        }

        function test_8b_aNewWebsiteKeyComesWithItsSnippet() {
            const dialog = find("settingsDialog");
            mouseClick(find("settingsTab-1"));
            const label = find("keyLabelField");
            mouseClick(label);
            type(label, "Hotel website");
            mouseClick(find("createKeyButton"));
            const secretDialog = find("secretDialog");
            tryCompare(secretDialog, "opened", true, 5000);
            const key = find("secretText").text;
            verify(key.length > 20, key);
            test.websiteKey = key;
            const snippet = find("snippetText").text;
            compare(snippet, '<script src="' + consoleBackend.publicUrl + '/widget.js" data-api-key="' + key + '"></script>');
            mouseClick(find("copySnippetButton"));
            compare(pasted(), snippet);
            secretDialog.close();
            dialog.close();
            tryCompare(dialog, "visible", false, 5000);
        }

        // Two website visitors write, as the widget does: each row names its own visitor.
        function test_8c_websiteVisitorsCanBeToldApart() {
            verify(test.websiteKey.length > 0);
            const list = find("inboxList");
            const before = list.count;
            for (let i = 0; i < 2; ++i) {
                const visitor = request("POST", "/api/chats/visitors/", {}).data.id;
                const session = request("POST", "/api/chats/sessions/", { "visitor_id": visitor }).data.id;
                // The answer streams for a while; the message is stored when it starts.
                const chat = new XMLHttpRequest();
                chat.open("POST", consoleBackend.serverUrl + "/api/chats/messages/chat/stream/");
                chat.setRequestHeader("Content-Type", "application/json");
                chat.setRequestHeader("X-API-Key", test.websiteKey);
                chat.send(JSON.stringify({ "message": "Do you take dogs?", "session_id": session, "visitor_id": visitor }));
                test.streams.push(chat);
                test.visitors.push("Visitor " + visitor.substring(0, 6).toUpperCase());
            }
            tryCompare(list, "count", before + 2, 10000);
            verify(test.visitors[0] !== test.visitors[1]);
            for (const name of test.visitors) {
                const visitorRow = row(name);
                compare(visitorRow.activityText, consoleBackend.formatRelative(visitorRow.lastActivity));
            }
            for (const stream of test.streams)
                stream.abort();
        }

        // Settings → Webhooks: an address is stored, a wrong one is refused next to the field, the
        // outbox shows why a batch is stuck, and Remove asks first.
        function test_8d_webhooksAreSetCheckedAndRemoved() {
            const dialog = find("settingsDialog");
            mouseClick(find("settingsButton"));
            tryCompare(dialog, "opened", true, 5000);
            const webhooksTab = find("settingsTab-5");
            tryVerify(() => {
                mouseClick(webhooksTab);
                return webhooksTab.checked;
            }, 5000);
            compare(chatProbe.storedWebhookUrl(), "");
            tryCompare(find("webhookUrl"), "text", "Nowhere: no address is set.", 5000);
            verify(!find("removeWebhookButton").enabled);

            // Port 1 refuses connections: the real delivery fails and says so.
            const field = find("webhookField");
            mouseClick(field);
            type(field, "http://127.0.0.1:1/lobby-events");
            mouseClick(find("saveWebhookButton"));
            tryCompare(find("webhookUrl"), "text", "http://127.0.0.1:1/lobby-events", 5000);
            compare(chatProbe.storedWebhookUrl(), "http://127.0.0.1:1/lobby-events");
            compare(field.text, "");
            tryCompare(find("webhookStatus"), "text", "Everything has been delivered.", 5000);
            verify(chatProbe.queueWebhookBatch());
            tryVerify(() => {
                consoleBackend.settings.refreshWebhook();
                return consoleBackend.settings.webhook.failedAttempts > 0;
            }, 15000);
            const status = find("webhookStatus").text;
            verify(status.startsWith("1 batch of events is waiting. The other system has not accepted them yet"), status);
            verify(status.indexOf(consoleBackend.settings.webhook.lastError) > 0 && consoleBackend.settings.webhook.lastError.length > 0, status);

            // Not http(s): refused next to the field, nothing stored.
            mouseClick(field);
            type(field, "ftp://x");
            mouseClick(find("saveWebhookButton"));
            const error = find("webhookError");
            tryCompare(error, "visible", true, 5000);
            verify(error.text.indexOf("must start with http:// or https://") >= 0, error.text);
            compare(chatProbe.storedWebhookUrl(), "http://127.0.0.1:1/lobby-events");
            field.text = "ftp://"; // the error belongs to what was sent, not to a new edit
            compare(error.visible, false);
            field.clear();

            // Remove asks first; keeping it keeps it.
            mouseClick(find("removeWebhookButton"));
            const confirm = find("removeWebhookDialog");
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("removeWebhookDialog-cancel"));
            tryCompare(confirm, "visible", false, 5000);
            compare(chatProbe.storedWebhookUrl(), "http://127.0.0.1:1/lobby-events");
            mouseClick(find("removeWebhookButton"));
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("removeWebhookDialog-confirm"));
            tryCompare(find("webhookUrl"), "text", "Nowhere: no address is set.", 5000);
            compare(chatProbe.storedWebhookUrl(), "");
            tryCompare(find("webhookStatus"), "text", "Nothing is waiting to be sent.", 5000);
            dialog.close();
            tryCompare(dialog, "visible", false, 5000);
        }

        function openSettingsPage(index) {
            const dialog = find("settingsDialog");
            if (!dialog.opened)
                mouseClick(find("settingsButton"));
            tryCompare(dialog, "opened", true, 5000);
            const entry = find("settingsTab-" + index);
            tryVerify(() => {
                mouseClick(entry);
                return entry.checked;
            }, 5000);
            return dialog;
        }
        // Scrolls the settings page to `item` first, as staff would, then clicks it.
        function clickInView(item) {
            // Laid out and drawn first: where the item is, and a button that just appeared may
            // still sit on another.
            waitForRendering(item);
            let flickable = item.parent;
            while (flickable && flickable.contentY === undefined)
                flickable = flickable.parent;
            if (flickable) {
                const top = item.mapToItem(flickable.contentItem, 0, 0).y;
                if (top < flickable.contentY || top + item.height > flickable.contentY + flickable.height)
                    flickable.contentY = Math.max(0, Math.min(top - 12, flickable.contentHeight - flickable.height));
            }
            waitForRendering(item);
            mouseClick(item);
        }
        function closeSettings(dialog) {
            mouseClick(find("settingsCloseButton"));
            tryCompare(dialog, "visible", false, 5000);
        }

        // Rooms: a random new PIN replaces the old one only after a yes.
        function test_8e_aNewRoomPinIsConfirmedFirst() {
            const dialog = openSettingsPage(0);
            clickInView(find("roomRow-101"));
            tryCompare(find("roomDetails"), "visible", true, 5000);
            const before = chatProbe.roomPinHash("101");
            verify(before.length > 0);
            clickInView(find("rotatePinButton"));
            const confirm = find("rotatePinDialog");
            tryCompare(confirm, "opened", true, 5000);
            verify(confirm.title.indexOf("101") > 0, confirm.title);
            mouseClick(find("rotatePinDialog-cancel"));
            tryCompare(confirm, "visible", false, 5000);
            compare(chatProbe.roomPinHash("101"), before);

            clickInView(find("rotatePinButton"));
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("rotatePinDialog-confirm"));
            const secretDialog = find("secretDialog");
            tryCompare(secretDialog, "opened", true, 5000);
            verify(/^[0-9]{4}$/.test(find("secretText").text), find("secretText").text);
            tryVerify(() => chatProbe.roomPinHash("101") !== before, 5000);
            secretDialog.close();
            tryCompare(secretDialog, "visible", false, 5000);
            closeSettings(dialog);
        }

        // Rooms: a refusal shows under the field it is about, the rest of the form stays; a
        // room that was added leaves an empty form.
        function test_8f_roomFormErrorsSitNextToTheirField() {
            const dialog = openSettingsPage(0);
            const number = find("roomNumberField");
            const pin = find("roomPinField");
            number.text = "107";
            pin.text = "12";
            clickInView(find("addRoomButton"));
            const pinError = find("roomPinField-error");
            tryCompare(pinError, "visible", true, 5000);
            compare(pinError.text, "A PIN is 4 to 8 digits.");
            compare(find("roomNumberField-error").visible, false);
            compare(number.text, "107");

            pin.text = "4321";
            clickInView(find("addRoomButton"));
            tryCompare(consoleBackend.settings.rooms, "count", 4, 5000);
            tryCompare(number, "text", "", 5000);
            compare(pin.text, "");
            compare(pinError.visible, false);

            // The same room again: the number is what is wrong.
            number.text = "107";
            pin.text = "1234";
            clickInView(find("addRoomButton"));
            const numberError = find("roomNumberField-error");
            tryCompare(numberError, "visible", true, 5000);
            verify(numberError.text.indexOf("107") >= 0, numberError.text);
            compare(pinError.visible, false);
            compare(consoleBackend.settings.rooms.count, 4);
            closeSettings(dialog);
        }

        // Staff: added (after a refused password), edited, and removed after a question.
        function test_8g_staffAreAddedEditedAndRemoved() {
            const dialog = openSettingsPage(2);
            const email = "nora@lobby.demo";
            const name = find("staffNameField");
            const emailField = find("staffEmailField");
            const password = find("staffPasswordField");
            const job = find("staffJobField");
            name.text = "Nora Night";
            emailField.text = email;
            password.text = "short";
            clickInView(find("saveStaffButton"));
            const passwordError = find("staffPasswordField-error");
            tryCompare(passwordError, "visible", true, 5000);
            compare(passwordError.text, "A password is 8 to 256 characters.");
            compare(find("staffEmailField-error").visible, false);
            compare(Object.keys(chatProbe.staffAccount(email)).length, 0);

            password.text = "night-shift-2";
            clickInView(find("saveStaffButton"));
            tryCompare(consoleBackend.settings.staffAccounts, "count", 3, 5000);
            compare(chatProbe.staffAccount(email).name, "Nora Night");
            tryCompare(name, "text", "", 5000);
            compare(emailField.text, "");
            compare(password.text, "");
            compare(passwordError.visible, false);

            // Own account: no Remove.
            verify(!find("removeStaff-admin@lobby.demo").enabled);

            clickInView(find("editStaff-" + email));
            compare(name.text, "Nora Night");
            compare(emailField.text, email);
            compare(find("saveStaffButton").text, "Save changes");
            emailField.text = "not an email";
            clickInView(find("saveStaffButton"));
            const emailError = find("staffEmailField-error");
            tryCompare(emailError, "visible", true, 5000);
            compare(name.text, "Nora Night"); // kept for the fix
            emailField.text = email;
            job.text = "Night porter";
            clickInView(find("saveStaffButton"));
            tryCompare(find("saveStaffButton"), "text", "Add staff", 5000);
            compare(chatProbe.staffAccount(email).jobTitle, "Night porter");
            compare(chatProbe.staffAccount(email).admin, false);
            compare(name.text, "");
            compare(emailError.visible, false);

            clickInView(find("removeStaff-" + email));
            const confirm = find("removeStaffDialog");
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("removeStaffDialog-cancel"));
            tryCompare(confirm, "visible", false, 5000);
            compare(chatProbe.staffAccount(email).name, "Nora Night");
            clickInView(find("removeStaff-" + email));
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("removeStaffDialog-confirm"));
            tryCompare(consoleBackend.settings.staffAccounts, "count", 2, 5000);
            compare(Object.keys(chatProbe.staffAccount(email)).length, 0);
            closeSettings(dialog);
        }

        // FAQ: added (after a missing answer), edited, and removed after a question.
        function test_8h_faqEntriesAreAddedEditedAndRemoved() {
            const dialog = openSettingsPage(3);
            const faq = consoleBackend.settings.faq;
            compare(faq.count, 6);
            const question = find("faqQuestionField");
            const answer = find("faqAnswerField");
            question.text = "Is there parking?";
            clickInView(find("saveFaqButton"));
            const answerError = find("faqAnswerField-error");
            tryCompare(answerError, "visible", true, 5000);
            compare(find("faqQuestionField-error").visible, false);
            answer.text = "Yes, behind the hotel.";
            clickInView(find("saveFaqButton"));
            tryCompare(faq, "count", 7, 5000);
            verify(chatProbe.faqQuestions().indexOf("Is there parking? = Yes, behind the hotel.") >= 0);
            tryCompare(question, "text", "", 5000);
            compare(answer.text, "");
            compare(answerError.visible, false);

            clickInView(find("editFaq-6"));
            compare(question.text, "Is there parking?");
            answer.text = "Yes, free, behind the hotel.";
            clickInView(find("saveFaqButton"));
            tryVerify(() => chatProbe.faqQuestions().indexOf("Is there parking? = Yes, free, behind the hotel.") >= 0, 5000);
            tryCompare(question, "text", "", 5000);
            compare(faq.count, 7);

            clickInView(find("removeFaq-6"));
            const confirm = find("removeFaqDialog");
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("removeFaqDialog-cancel"));
            tryCompare(confirm, "visible", false, 5000);
            compare(faq.count, 7);
            clickInView(find("removeFaq-6"));
            tryCompare(confirm, "opened", true, 5000);
            mouseClick(find("removeFaqDialog-confirm"));
            tryCompare(faq, "count", 6, 5000);
            verify(chatProbe.faqQuestions().every(entry => !entry.startsWith("Is there parking?")));
            closeSettings(dialog);
        }

        function request(method, path, body) {
            const xhr = new XMLHttpRequest();
            let answer = null;
            xhr.onreadystatechange = () => {
                if (xhr.readyState === XMLHttpRequest.DONE)
                    answer = { status: xhr.status, body: xhr.responseText };
            };
            xhr.open(method, consoleBackend.serverUrl + path);
            xhr.setRequestHeader("Content-Type", "application/json");
            xhr.send(JSON.stringify(body));
            tryVerify(() => answer !== null, 5000);
            verify(answer.status >= 200 && answer.status < 300, path + ": " + answer.status + " " + answer.body);
            return JSON.parse(answer.body);
        }

        function pasted() {
            pasteTarget.text = "";
            pasteTarget.paste();
            return pasteTarget.text;
        }

        // Requests: a new one shows in Open with how long it has waited; Take moves it to In
        // progress with the staff member's name, Done to Done and says so in its conversation;
        // Chat opens the conversation.
        function test_8e_requestsAreTakenAndFinished() {
            const conversationId = chatProbe.makeRoomRequest("Extra towels");
            verify(conversationId > 0);
            tryCompare(find("requestsButton"), "text", "Requests (1)", 5000);
            mouseClick(find("requestsButton"));
            const open = find("openRequests");
            tryCompare(open, "count", 1, 5000);
            open.forceLayout();
            const card = open.itemAtIndex(0);
            compare(card.title, "Extra towels");
            compare(card.status, "open");
            compare(findChild(card, "requestWaiting").text, "waiting just now");
            waitForRendering(open);
            mouseClick(findChild(card, "takeRequestButton"));
            const inProgress = find("inProgressRequests");
            tryCompare(inProgress, "count", 1, 5000);
            compare(open.count, 0);
            inProgress.forceLayout();
            waitForRendering(inProgress);
            const taken = inProgress.itemAtIndex(0);
            compare(taken.assigneeName, consoleBackend.staff.name);
            mouseClick(findChild(taken, "finishRequestButton"));
            const finished = find("finishedRequests");
            tryCompare(finished, "count", 1, 5000);
            tryCompare(find("requestsButton"), "text", "Requests", 5000);
            compare(chatProbe.lastMessageOf(conversationId), "Extra towels — done by " + consoleBackend.staff.name);
            finished.forceLayout();
            waitForRendering(finished);
            mouseClick(findChild(finished.itemAtIndex(0), "openRequestChatButton"));
            tryCompare(consoleBackend, "currentConversationId", conversationId, 5000);
            verify(!view.showingRequests);
            verify(find("inboxPane").visible);
        }

        function test_9_iconsAreDrawnFromTheResources() {
            const image = grabImage(iconSheet);
            for (let i = 0; i < 16; ++i) {
                const icon = iconSheet.children[i];
                compare(icon.status, Image.Ready, icon.symbol);
                // Some of its pixels are drawn (black), which an empty box would not be.
                let drawn = 0;
                for (let x = 0; x < 24; ++x)
                    for (let y = 0; y < 24; ++y)
                        if (image.pixel(i * 24 + x, y).a > 0.5)
                            ++drawn;
                verify(drawn > 20, icon.symbol + ": " + drawn + " pixels");
            }
            verify(find("attachButton").icon.source.toString().endsWith("paperclip.svg"));
        }

        function test_z_signOutClearsThePassword() {
            const password = find("passwordField");
            compare(password.text, ""); // cleared when signed in, too
            password.text = "lobby-admin"; // as if it had stayed
            mouseClick(find("accountButton"));
            const item = find("signOutItem");
            tryCompare(item, "visible", true, 5000);
            mouseClick(item);
            tryVerify(() => !consoleBackend.signedIn, 5000);
            compare(password.text, "");
            compare(find("emailField").text, "admin@lobby.demo");
            verify(!find("signInButton").enabled); // one click does not sign anyone back in
        }
    }
}
