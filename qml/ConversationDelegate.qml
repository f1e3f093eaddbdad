import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One inbox row: channel, title, last message, time and unread badge.
ItemDelegate {
    id: row

    required property string title
    required property string kind
    required property string preview
    required property date lastActivity
    required property int unreadCount
    required property bool typing

    readonly property var channelNames: ({
            "room": qsTr("Room"),
            "widget": qsTr("Website"),
            "app": qsTr("Customer"),
            "direct": qsTr("Direct")
        })

    height: 64

    contentItem: RowLayout {
        spacing: 12

        Label {
            text: row.channelNames[row.kind] ?? row.kind
            opacity: 0.6
            Layout.preferredWidth: 72
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2

            Label {
                text: row.title
                textFormat: Text.PlainText
                font.bold: row.unreadCount > 0
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                text: row.typing ? qsTr("typing…") : row.preview
                textFormat: Text.PlainText
                font.italic: row.typing
                opacity: 0.7
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
        Label {
            text: Qt.formatTime(row.lastActivity, "hh:mm")
            opacity: 0.6
        }
        Label {
            visible: row.unreadCount > 0
            text: row.unreadCount
            color: "white"
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            leftPadding: 7
            rightPadding: 7
            topPadding: 2
            bottomPadding: 2
            Layout.minimumWidth: 22
            background: Rectangle {
                radius: height / 2
                color: "#d64545"
            }
        }
    }
}
