import QtQuick
import QtQuick.Controls
import QtTest
import Lobby.Console

// Canned replies in the console: adding one in Settings, the composer's "/" list (filter,
// arrows, Enter), variables filled in and the unfilled ones selected, and the suggested answer
// to a guest's message (Tab inserts it). Against the real core thread (see tst_console_qml.cpp).
Item {
    id: root

    width: 1000
    height: 760

    CannedRepliesPage {
        id: library
        width: parent.width
        height: 380
        backend: consoleBackend
    }
    Composer {
        id: composer
        anchors.bottom: parent.bottom
        width: parent.width
        backend: consoleBackend
    }

    TestCase {
        name: "Replies"
        when: windowShown

        property var input: null

        function initTestCase() {
            if (!consoleBackend.signedIn) {
                consoleBackend.signIn("admin@lobby.demo", "lobby-admin");
                tryVerify(() => consoleBackend.signedIn, 15000);
            }
            input = findChild(composer, "composerInput");
            verify(input !== null);
            const room = chatProbe.conversationIdTitled("Room 205");
            verify(room > 0);
            consoleBackend.selectConversation(room);
            consoleBackend.replies.updateSiteSettings({ wifi: "lakeview42" });
            tryVerify(() => consoleBackend.replies.siteSettings.wifi === "lakeview42", 5000);
        }
        // Also what Repeaters and popups made, which findChild's QObject walk does not reach.
        function find(parent, name) {
            return findChild(parent, name) ?? deepFind(parent, name, []);
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
        function libraryHas(title) {
            return consoleBackend.replies.cannedReplies.some(reply => reply.title === title);
        }
        function typeInto(text) {
            input.forceActiveFocus();
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i]);
        }
        function clearComposer() {
            input.text = "";
            input.forceActiveFocus();
        }

        function test_1_aReplyAddedInSettingsJoinsTheLibrary() {
            findChild(library, "cannedCategoryField").text = "Stay";
            findChild(library, "cannedTitleField").text = "Wi-Fi for you";
            findChild(library, "cannedBodyField").text = "Hi {{guest.name}}, room {{room}}: the Wi-Fi password is {{wifi}}.";
            mouseClick(findChild(library, "cannedSaveButton"));
            tryVerify(() => libraryHas("Wi-Fi for you"), 5000);
            findChild(library, "cannedTitleField").text = "Late check-out";
            findChild(library, "cannedBodyField").text = "{{guest.name}}, check-out is at {{checkout_time}}; ask {{staff.name}} for later.";
            mouseClick(findChild(library, "cannedSaveButton"));
            tryVerify(() => libraryHas("Late check-out"), 5000);
        }

        function test_2_slashListFiltersAndInsertsWithVariablesFilled() {
            clearComposer();
            typeInto("/wi-fi for");
            const picker = find(composer, "replyPicker");
            tryVerify(() => picker.visible);
            compare(picker.matches[0].title, "Wi-Fi for you"); // title matches come first
            keyClick(Qt.Key_Return);
            compare(input.text, "Hi guest name, room 205: the Wi-Fi password is lakeview42.");
            // The room guest's name is not known: left selected, typing replaces it.
            compare(input.selectedText, "guest name");
            verify(!picker.visible);
            typeInto("Aoife");
            compare(input.text, "Hi Aoife, room 205: the Wi-Fi password is lakeview42.");
            verify(input.text.indexOf("{") < 0);
        }

        function test_3_arrowsChooseAndTabGoesToTheNextBlank() {
            clearComposer();
            typeInto("/");
            const picker = find(composer, "replyPicker");
            tryVerify(() => picker.visible);
            verify(picker.count >= 6); // the starter phrases, ours and the FAQ answers
            // Narrow down to check-out: the FAQ answer and ours; arrows wrap round.
            typeInto("check-out");
            const matches = picker.matches.map(m => m.title);
            const ours = matches.indexOf("Late check-out");
            verify(ours >= 0, JSON.stringify(matches));
            for (let i = 0; i < ours; ++i)
                keyClick(Qt.Key_Down);
            keyClick(Qt.Key_Down);
            keyClick(Qt.Key_Up);
            keyClick(Qt.Key_Return);
            compare(input.text, "guest name, check-out is at check-out time; ask John Smith for later.");
            compare(input.selectedText, "guest name");
            keyClick(Qt.Key_Tab);
            compare(input.selectedText, "check-out time");
            typeInto("11:00");
            keyClick(Qt.Key_Tab); // back to the first blank
            compare(input.selectedText, "guest name");
        }

        function test_4_escapeClosesTheListAndKeepsTheText() {
            clearComposer();
            typeInto("/zzz");
            const picker = find(composer, "replyPicker");
            tryVerify(() => picker.visible);
            compare(picker.count, 0);
            keyClick(Qt.Key_Escape);
            tryVerify(() => !picker.visible);
            compare(input.text, "/zzz");
            // Enter now sends what is typed instead of choosing.
            clearComposer();
        }

        function test_5_aGuestsQuestionGetsASuggestedAnswer() {
            clearComposer();
            const bar = find(composer, "suggestionBar");
            const room = chatProbe.conversationIdTitled("Room 205");
            verify(chatProbe.postAsGuest(room, "What time is breakfast served?"));
            tryVerify(() => bar.visible, 5000);
            const suggested = consoleBackend.replies.suggestion.body;
            verify(suggested.toLowerCase().indexOf("breakfast") >= 0, suggested);
            verify(find(composer, "suggestionText").text.startsWith("Suggested: "));
            input.forceActiveFocus();
            keyClick(Qt.Key_Tab);
            compare(input.text, consoleBackend.replies.fillReply(suggested).text);
            verify(!bar.visible); // the box is not empty any more
            clearComposer();
            // A question nothing answers: no suggestion.
            verify(chatProbe.postAsGuest(room, "zebra xylophone quartz"));
            tryVerify(() => !consoleBackend.replies.suggestion.body, 5000);
            verify(!bar.visible);
        }

        function test_6_theLibraryIsEditedAndRemovedInSettings() {
            // Rows below the fold of the page's scroll view: pressed through clicked().
            find(library, "cannedEdit-Late check-out").clicked();
            compare(findChild(library, "cannedTitleField").text, "Late check-out");
            findChild(library, "cannedTitleField").text = "Late departure";
            findChild(library, "cannedSaveButton").clicked();
            tryVerify(() => libraryHas("Late departure") && !libraryHas("Late check-out"), 5000);
            tryVerify(() => find(library, "cannedRemove-Late departure") !== null, 5000);
            find(library, "cannedRemove-Late departure").clicked();
            tryVerify(() => !libraryHas("Late departure"), 5000);
        }
    }
}
