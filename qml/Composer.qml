pragma ComponentBehavior: Bound

import QtQml
import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

// Writing a reply: Enter sends, Shift+Enter starts a new line; typing is announced while staff
// type (at most every 3 seconds) and withdrawn after a quiet moment; canned replies fill the box.
Rectangle {
    id: composer

    required property ConsoleController backend
    property var replyToId: 0
    property string replySender
    property string replyText

    function send() {
        const text = input.text.trim();
        if (text.length === 0)
            return;
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
    function clearReply() {
        composer.replyToId = 0;
        composer.replySender = "";
        composer.replyText = "";
    }

    implicitHeight: layout.implicitHeight + 24
    color: Theme.surface

    Rectangle {
        width: parent.width
        height: 1
        color: Theme.border
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
                onClicked: cannedMenu.open()

                Menu {
                    id: cannedMenu
                    y: -implicitHeight
                    width: 420

                    Repeater {
                        model: composer.backend.settings.cannedReplies

                        MenuItem {
                            id: cannedItem
                            required property string modelData

                            text: cannedItem.modelData
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small + 1
                            onTriggered: {
                                input.text = cannedItem.modelData;
                                input.cursorPosition = input.length;
                                input.forceActiveFocus();
                            }
                        }
                    }
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
                    placeholderText: qsTr("Write a reply…  (Enter sends, Shift+Enter for a new line)")
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
                        color: Theme.inputBackground
                        border.color: input.activeFocus ? Theme.accent : "transparent"
                    }
                    Keys.onPressed: event => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !(event.modifiers & Qt.ShiftModifier)) {
                            composer.send();
                            event.accepted = true;
                        }
                    }
                    onTextChanged: {
                        if (text.length > 0)
                            composer.backend.noteTyping();
                    }
                }
            }
            Button {
                id: sendButton
                objectName: "sendButton"
                text: qsTr("Send")
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
                    color: sendButton.enabled ? (sendButton.down ? Theme.accentPressed : Theme.accent) : Theme.accentDisabled
                }
            }
        }
    }
}
