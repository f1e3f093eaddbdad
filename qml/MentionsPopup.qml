pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Notes in which colleagues mentioned the signed-in staff member, newest first; a click opens
// the conversation.
Popup {
    id: popup

    required property ConsoleController backend

    objectName: "mentionsPopup"
    width: 360
    height: Math.min(420, list.contentHeight + 56)
    padding: 12
    onOpened: popup.backend.markMentionsSeen()

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Label {
            text: qsTr("Mentions")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
            color: Theme.text
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 6
            model: popup.backend.mentions

            delegate: ItemDelegate {
                id: mention
                required property var modelData

                width: ListView.view.width
                objectName: "mention-" + mention.modelData.id
                onClicked: {
                    popup.backend.selectConversation(mention.modelData.chatId);
                    popup.close();
                }
                background: Rectangle {
                    radius: 8
                    color: mention.hovered ? Theme.noteHover : Theme.note
                }
                contentItem: ColumnLayout {
                    spacing: 2
                    Label {
                        text: qsTr("%1 in %2").arg(mention.modelData.authorName).arg(mention.modelData.chatTitle || qsTr("a conversation"))
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                        font.bold: true
                        color: Theme.noteText
                    }
                    Label {
                        Layout.fillWidth: true
                        text: mention.modelData.content
                        textFormat: Text.PlainText
                        wrapMode: Text.Wrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body - 1
                        color: Theme.text
                    }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("Nobody mentioned you yet")
                color: Theme.faintText
                font.family: Theme.fontFamily
            }
        }
    }
}
