import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One inbox row: channel avatar with presence, title, last message or typing line, time and
// unread badge.
ItemDelegate {
    id: row

    required property int index
    required property var conversationId
    required property string title
    required property string displayTitle
    required property string kind
    required property string preview
    required property date lastActivity
    required property int unreadCount
    required property bool typing
    required property bool online
    required property bool archived
    required property string status
    required property var snoozedUntil
    required property var waitingSince
    // "12 min" while a guest waits for an answer: set by the inbox, which keeps it current.
    property string waitingText
    property bool current: false
    // When the conversation last moved ("just now", "3 min ago", "14:05"): set by the inbox,
    // which keeps it current.
    property string activityText


    objectName: "conversation-" + row.conversationId
    height: 72
    padding: 0
    hoverEnabled: true

    background: Rectangle {
        color: row.current ? Theme.selected : (row.hovered ? Theme.hover : "transparent")

        Rectangle {
            visible: row.current
            width: 3
            height: parent.height
            color: Theme.accent
        }
    }

    contentItem: RowLayout {
        spacing: 12

        ChannelAvatar {
            Layout.leftMargin: 16
            kind: row.kind
            title: row.title
            online: row.online
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 3

            RowLayout {
                Layout.fillWidth: true
                spacing: 6

                Label {
                    text: row.displayTitle
                    textFormat: Text.PlainText
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.title - 1
                    font.bold: row.unreadCount > 0
                    color: Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "waitingText"
                    visible: row.waitingText.length > 0 && row.status !== "snoozed" && row.status !== "resolved"
                    text: qsTr("waiting %1").arg(row.waitingText)
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.small
                    font.bold: true
                    color: Theme.warning
                }
                Label {
                    objectName: "snoozedText"
                    visible: row.status === "snoozed"
                    text: qsTr("until %1").arg(Qt.formatDateTime(row.snoozedUntil, "ddd HH:mm"))
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.small
                    color: Theme.noteText
                }
                Label {
                    objectName: "activityText"
                    text: row.activityText
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.small
                    color: row.unreadCount > 0 ? Theme.accent : Theme.faintText
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 6

                Label {
                    text: row.typing ? qsTr("typing…") : row.preview
                    textFormat: Text.PlainText
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.body - 1
                    font.italic: row.typing
                    color: row.typing ? Theme.accent : Theme.mutedText
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    Layout.fillWidth: true
                }
                Rectangle {
                    visible: row.unreadCount > 0
                    objectName: "unreadBadge"
                    implicitWidth: Math.max(20, String(row.unreadCount).length * 8 + 12)
                    implicitHeight: 20
                    radius: 10
                    color: Theme.accent

                    Text {
                        anchors.centerIn: parent
                        text: row.unreadCount
                        color: Theme.textOnAccent
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                        font.bold: true
                    }
                }
            }
        }
        Item {
            implicitWidth: 10
        }
    }
}
