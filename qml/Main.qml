import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ApplicationWindow {
    id: window

    // The inbox model (ConversationListModel) and where the server answers.
    required property var conversations
    required property string serverUrl

    width: 960
    height: 640
    visible: true
    title: window.conversations.totalUnread > 0
           ? qsTr("(%1) Lobby").arg(window.conversations.totalUnread)
           : qsTr("Lobby")

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 12

            Label {
                text: qsTr("Inbox")
                font.bold: true
                font.pixelSize: 18
            }
            Item {
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("Serving on %1").arg(window.serverUrl)
                opacity: 0.7
            }
        }
    }

    ListView {
        id: inbox

        anchors.fill: parent
        clip: true
        model: window.conversations
        delegate: ConversationDelegate {
            width: ListView.view.width
        }

        Label {
            anchors.centerIn: parent
            visible: inbox.count === 0
            text: qsTr("No conversations yet")
            opacity: 0.6
        }
    }
}
