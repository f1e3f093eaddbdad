pragma ComponentBehavior: Bound

import QtQml
import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Writing a reply: Enter sends, Shift+Enter starts a new line; typing is announced while staff
// type (at most every 3 seconds) and withdrawn after a quiet moment. A "/" at the start opens
// the canned replies (ReplyPicker); an inserted reply has its variables filled in, and what
// could not be filled is selected for staff to type over (Tab goes to the next one). A
// suggested answer to the guest's last message is offered above the box: Tab inserts it.
// The Note toggle turns it into a private note for staff (amber, never sent to the guest), where
// typing @ completes colleagues' names.
Rectangle {
    id: composer

    required property ConsoleController backend
    property bool noteMode: false
    property var noteMentions: []
    // The "@name" being typed in a note, or "" (drives the completion list).
    readonly property string mentionPrefix: {
        if (!composer.noteMode)
            return "";
        const before = input.text.slice(0, input.cursorPosition);
        const match = before.match(/@([^\s@]*)$/);
        return match ? match[1] : "";
    }
    readonly property bool mentioning: composer.noteMode && /@[^\s@]*$/.test(input.text.slice(0, input.cursorPosition))

    function completeMention(person) {
        const before = input.text.slice(0, input.cursorPosition);
        const at = before.lastIndexOf("@");
        const after = input.text.slice(input.cursorPosition);
        input.text = before.slice(0, at) + "@" + person.name + " " + after;
        input.cursorPosition = at + person.name.length + 2;
        composer.noteMentions = composer.noteMentions.concat([person.id]);
        input.forceActiveFocus();
    }
    property var replyToId: 0
    property string replySender
    property string replyText

    function send() {
        const text = input.text.trim();
        if (text.length === 0)
            return;
        if (composer.noteMode) {
            composer.backend.addNote(text, composer.noteMentions);
            composer.noteMentions = [];
            input.clear();
            return;
        }
        composer.backend.sendMessage(text, composer.replyToId);
        input.clear();
        composer.clearReply();
    }
    function replyTo(messageId, sender, text) {
        composer.replyToId = messageId;
        composer.replySender = sender;
        composer.replyText = text;
        input.forceActiveFocus();
    }
    // Puts a canned reply (or a suggestion) into the box with its variables filled in.
    function insertReply(body) {
        const filled = composer.backend.replies.fillReply(body);
        input.text = filled.text;
        composer.placeholders = filled.unfilled.map(range => filled.text.substr(range.start, range.length));
        input.forceActiveFocus();
        if (filled.unfilled.length > 0)
            input.select(filled.unfilled[0].start, filled.unfilled[0].start + filled.unfilled[0].length);
        else
            input.cursorPosition = input.length;
    }
    // Selects the next placeholder still in the text after the selection (else the first one).
    function selectNextPlaceholder(): bool {
        const firstFrom = from => {
            let found = null;
            for (const placeholder of composer.placeholders) {
                const at = input.text.indexOf(placeholder, from);
                if (at >= 0 && (found === null || at < found.start))
                    found = {
                        start: at,
                        end: at + placeholder.length
                    };
            }
            return found;
        };
        const next = firstFrom(input.selectionEnd) ?? firstFrom(0);
        if (next === null)
            return false;
        input.select(next.start, next.end);
        return true;
    }
    property var placeholders: []
    readonly property bool slashCommand: input.text.startsWith("/") && input.text.indexOf("\n") < 0
    readonly property bool picking: composer.slashCommand && !composer.pickerDismissed
    property bool pickerDismissed: false
    readonly property string suggestedBody: composer.backend.replies.suggestedAnswer
    readonly property bool suggesting: input.text.length === 0 && composer.suggestedBody.length > 0

    function clearReply() {
        composer.replyToId = 0;
        composer.replySender = "";
        composer.replyText = "";
    }

    implicitHeight: layout.implicitHeight + 24
    color: composer.noteMode ? Theme.note : Theme.surface

    Rectangle {
        width: parent.width
        height: 1
        color: Theme.border
    }

    ReplyPicker {
        id: picker
        objectName: "replyPicker"
        replies: composer.backend.replies
        query: composer.slashCommand ? input.text.slice(1) : ""
        visible: composer.picking
        x: 12
        y: -height - 4
        width: Math.min(480, composer.width - 24)
        onChosen: body => composer.insertReply(body)
    }

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        RowLayout {
            visible: Number(composer.replyToId) > 0
            Layout.fillWidth: true

            Rectangle {
                implicitWidth: 3
                Layout.fillHeight: true
                color: Theme.accent
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Replying to %1: %2").arg(composer.replySender).arg(composer.replyText)
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small
                color: Theme.mutedText
            }
            ToolButton {
                objectName: "cancelReplyButton"
                icon.source: "qrc:/icons/close.svg"
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Do not reply to this message")
                onClicked: composer.clearReply()
            }
        }
        Rectangle {
            objectName: "suggestionBar"
            visible: composer.suggesting
            Layout.fillWidth: true
            implicitHeight: suggestionText.implicitHeight + 12
            radius: 8
            color: Theme.accentSoft

            Label {
                id: suggestionText
                objectName: "suggestionText"
                anchors.fill: parent
                anchors.leftMargin: 10
                anchors.rightMargin: 10
                verticalAlignment: Text.AlignVCenter
                text: qsTr("Suggested: %1 — Tab to insert").arg(composer.suggestedBody)
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small + 1
                color: Theme.text
            }
            MouseArea {
                anchors.fill: parent
                cursorShape: Qt.PointingHandCursor
                onClicked: composer.insertReply(composer.suggestedBody)
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 4

            PillButton {
                objectName: "replyMode"
                text: qsTr("Reply")
                tone: composer.noteMode ? "plain" : "accent"
                onClicked: composer.noteMode = false
            }
            PillButton {
                objectName: "noteMode"
                text: qsTr("Private note")
                tone: "note"
                font.underline: composer.noteMode
                onClicked: composer.noteMode = true
            }
            Label {
                visible: composer.noteMode
                Layout.fillWidth: true
                text: qsTr("Only staff see notes. Type @ to mention a colleague.")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small
                color: Theme.noteText
                elide: Text.ElideRight
            }
        }
        ListView {
            id: mentionList
            objectName: "mentionCompletion"
            visible: composer.mentioning && count > 0
            Layout.fillWidth: true
            Layout.preferredHeight: visible ? Math.min(4, count) * 30 : 0
            clip: true
            model: composer.mentioning ? composer.backend.staffMatching(composer.mentionPrefix) : []
            delegate: ItemDelegate {
                id: candidate
                required property var modelData
                required property int index

                objectName: "mentionCandidate-" + candidate.index
                width: ListView.view.width
                height: 30
                text: "@" + candidate.modelData.name
                font.family: Theme.fontFamily
                onClicked: composer.completeMention(candidate.modelData)
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            ToolButton {
                id: cannedButton
                objectName: "cannedRepliesButton"
                icon.source: "qrc:/icons/quick-replies.svg"
                icon.color: Theme.mutedText
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Ready-made answers")
                onClicked: {
                    // The same list as typing "/": everything while the box holds nothing else.
                    input.text = "/";
                    input.cursorPosition = 1;
                    input.forceActiveFocus();
                }
            }
            ToolButton {
                objectName: "attachButton"
                icon.source: "qrc:/icons/paperclip.svg"
                icon.color: Theme.mutedText
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Attach an image, voice note or PDF")
                onClicked: attachDialog.open()

                FileDialog {
                    id: attachDialog
                    title: qsTr("Attach a file")
                    nameFilters: [qsTr("Images, audio and PDF (*.jpg *.jpeg *.png *.gif *.webp *.ogg *.mp3 *.m4a *.wav *.webm *.pdf)")]
                    onAccepted: {
                        // What is typed goes with the file as its caption.
                        composer.backend.attachFile(attachDialog.selectedFile, input.text.trim());
                        input.clear();
                    }
                }
            }
            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(120, Math.max(40, input.implicitHeight))

                TextArea {
                    id: input
                    objectName: "composerInput"
                    placeholderText: composer.noteMode ? qsTr("Write a private note for your colleagues…") : qsTr("Write a reply…  (Enter sends, Shift+Enter for a new line)")
                    wrapMode: TextArea.Wrap
                    textFormat: TextEdit.PlainText
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.body
                    leftPadding: 12
                    rightPadding: 12
                    topPadding: 10
                    bottomPadding: 10
                    background: Rectangle {
                        radius: 10
                        color: composer.noteMode ? Theme.noteInput : Theme.inputBackground
                        border.color: composer.noteMode ? Theme.noteBorder : input.activeFocus ? Theme.accent : "transparent"
                    }
                    Keys.onPressed: event => {
                        if (composer.mentioning && mentionList.count > 0 && (event.key === Qt.Key_Return || event.key === Qt.Key_Enter || event.key === Qt.Key_Tab)) {
                            composer.completeMention(composer.backend.staffMatching(composer.mentionPrefix)[0]);
                            event.accepted = true;
                            return;
                        }
                        if (composer.picking && picker.visible) {
                            if (event.key === Qt.Key_Up || event.key === Qt.Key_Down) {
                                picker.moveSelection(event.key === Qt.Key_Up ? -1 : 1);
                                event.accepted = true;
                                return;
                            }
                            if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter || event.key === Qt.Key_Tab) {
                                if (picker.count > 0)
                                    composer.insertReply(picker.chosenBody());
                                event.accepted = true;
                                return;
                            }
                            if (event.key === Qt.Key_Escape) {
                                composer.pickerDismissed = true;
                                event.accepted = true;
                                return;
                            }
                        }
                        if (event.key === Qt.Key_Tab) {
                            // Otherwise Tab moves the focus on, as everywhere.
                            const suggested = composer.suggesting;
                            if (suggested)
                                composer.insertReply(composer.suggestedBody);
                            event.accepted = suggested || composer.selectNextPlaceholder();
                            if (event.accepted)
                                return;
                        }
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !(event.modifiers & Qt.ShiftModifier)) {
                            composer.send();
                            event.accepted = true;
                        }
                    }
                    onTextChanged: {
                        if (!composer.slashCommand)
                            composer.pickerDismissed = false;
                        // A note is not typing towards the guest.
                        if (text.length > 0 && !composer.noteMode)
                            composer.backend.noteTyping();
                    }
                }
            }
            Button {
                id: sendButton
                objectName: "sendButton"
                text: composer.noteMode ? qsTr("Add note") : qsTr("Send")
                enabled: input.text.trim().length > 0
                font.family: Theme.fontFamily
                font.bold: true
                onClicked: composer.send()
                contentItem: Item {
                    implicitWidth: 64
                    implicitHeight: 20

                    Row {
                        anchors.centerIn: parent
                        spacing: 6

                        Icon {
                            symbol: "send"
                            size: 16
                            color: Theme.textOnAccent
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Text {
                            text: sendButton.text
                            font: sendButton.font
                            color: Theme.textOnAccent
                            anchors.verticalCenter: parent.verticalCenter
                        }
                    }
                }
                background: Rectangle {
                    implicitWidth: 84
                    implicitHeight: 40
                    radius: 10
                    color: composer.noteMode ? (sendButton.enabled ? Theme.noteBorder : Theme.noteDisabled) : sendButton.enabled ? (sendButton.down ? Theme.accentPressed : Theme.accent) : Theme.accentDisabled
                }
            }
        }
    }
}
