import QtQuick
import QtQuick.Controls
import QtTest
import Lobby.Console

// The front desk's workflow in the console: snoozing and the status filters, a private note
// with an @mention, and checking a room out with its new PIN.
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

    TestCase {
        id: test

        name: "Workflow"
        when: windowShown

        function find(name) {
            const item = findChild(view, name) ?? deepFind(view, name, []);
            verify(item !== null, "no item named " + name);
            return item;
        }
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
        function row(title) {
            tryVerify(() => delegateTitled(title) !== null, 5000, "no inbox row " + title);
            return delegateTitled(title);
        }
        function type(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i]);
        }
        // Where the screenshots of the new views go (LOBBY_SHOTS), if anywhere.
        function shot(name) {
            const folder = consoleShots;
            if (folder.length > 0)
                grabImage(root).save(folder + "/" + name + ".png");
        }
        function open(title) {
            mouseClick(row(title));
            tryCompare(find("conversationTitle"), "text", title, 5000);
        }

        function test_1_snoozeMovesItToSnoozedAndBack() {
            if (!consoleBackend.signedIn) {
                find("emailField").text = "admin@lobby.demo";
                find("passwordField").text = "lobby-admin";
                mouseClick(find("signInButton"));
                tryVerify(() => consoleBackend.signedIn, 15000);
            }
            const list = find("inboxList");
            mouseClick(find("filter-0")); // Open
            tryVerify(() => list.count >= 3, 5000);
            const openBefore = list.count;
            // A guest waiting for an answer shows for how long.
            verify(find("waitingText") !== null);
            open("Alex Murphy");
            mouseClick(find("snoozeButton"));
            const hour = find("snooze-hour");
            tryCompare(hour, "visible", true, 5000);
            shot("snooze-menu");
            mouseClick(hour);
            tryCompare(find("statusChip"), "visible", true, 5000);
            tryCompare(list, "count", openBefore - 1, 5000);
            mouseClick(find("filter-4")); // Snoozed
            tryCompare(list, "count", 1, 5000);
            compare(row("Alex Murphy").status, "snoozed");
            shot("snoozed-filter");
            const resolve = find("resolveButton");
            compare(resolve.text, "Reopen");
            mouseClick(resolve);
            tryCompare(list, "count", 0, 5000);
            mouseClick(find("filter-0"));
            tryCompare(list, "count", openBefore, 5000);
            // Resolved, then the Resolved filter.
            tryCompare(resolve, "text", "Resolve", 5000);
            mouseClick(resolve);
            tryCompare(resolve, "text", "Reopen", 5000);
            mouseClick(find("filter-5"));
            tryCompare(list, "count", 1, 5000);
            mouseClick(resolve);
            tryCompare(resolve, "text", "Resolve", 5000);
            mouseClick(find("filter-0"));
            tryCompare(list, "count", openBefore, 5000);
        }

        function test_2_aPrivateNoteWithAMention() {
            mouseClick(find("filter-0"));
            open("Alex Murphy");
            const messages = find("messageList");
            tryVerify(() => messages.count > 0, 5000);
            const messagesBefore = messages.count;
            mouseClick(find("noteMode"));
            const input = find("composerInput");
            mouseClick(input);
            type("Refund approved, ask @");
            const completion = find("mentionCompletion");
            tryCompare(completion, "visible", true, 5000);
            shot("note-composer");
            keyClick(Qt.Key_Tab); // takes the first colleague
            verify(/ask @.+ $/.test(input.text), input.text);
            type("to call back");
            keyClick(Qt.Key_Return);
            compare(input.text, "");
            tryCompare(find("notesStrip"), "visible", true, 5000);
            tryVerify(() => consoleBackend.notes.length === 1, 5000);
            verify(consoleBackend.notes[0].content.startsWith("Refund approved, ask @"));
            compare(consoleBackend.notes[0].mentions.length, 1);
            shot("note-added");
            // A note is not a message.
            compare(messages.count, messagesBefore);
            mouseClick(find("replyMode"));
        }

        function test_3_checkOutShowsTheNewPin() {
            mouseClick(find("filter-0"));
            open("Room 205");
            const button = find("checkOutButton");
            tryCompare(button, "visible", true, 5000);
            mouseClick(button);
            const dialog = find("checkOutDialog");
            tryCompare(dialog, "opened", true, 5000);
            shot("check-out-confirm");
            mouseClick(find("checkOutConfirm"));
            tryVerify(() => /^[0-9]{4}$/.test(find("newPin").text), 15000);
            verify(find("printPinCard").visible);
            shot("check-out-done");
            mouseClick(find("checkOutClose"));
            tryCompare(dialog, "visible", false, 5000);
            mouseClick(find("filter-3")); // Archived
            row("Room 205");
            mouseClick(find("filter-0"));
        }
    }
}
