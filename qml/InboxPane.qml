pragma ComponentBehavior: Bound

import QtQml
import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// The inbox: search, the filters Open / Mine / Unassigned / Snoozed / Resolved / Archived, the
// Mentions list, and the conversations with how long each guest has been waiting.
Rectangle {
    id: pane

    required property ConsoleController backend
    property date now: new Date()
    readonly property var filterValues: [
        { value: 0, label: qsTr("Open") },
        { value: 1, label: qsTr("Mine") },
        { value: 2, label: qsTr("Unassigned") },
        { value: 4, label: qsTr("Snoozed") },
        { value: 5, label: qsTr("Resolved") },
        { value: 3, label: qsTr("Archived") }
    ]

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ColumnLayout {
            Layout.fillWidth: true
            Layout.margins: 16
            spacing: 12

            RowLayout {
                Layout.fillWidth: true

                Label {
                    text: qsTr("Inbox")
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.heading
                    font.bold: true
                    color: Theme.text
                    Layout.fillWidth: true
                }
                ToolButton {
                    id: mentionsButton
                    objectName: "mentionsButton"
                    text: qsTr("@ Mentions")
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.small + 1
                    onClicked: mentionsPopup.open()

                    Rectangle {
                        objectName: "mentionsBadge"
                        visible: pane.backend.unseenMentions > 0
                        anchors.right: parent.right
                        anchors.top: parent.top
                        width: 18
                        height: 18
                        radius: 9
                        color: Theme.danger

                        Text {
                            anchors.centerIn: parent
                            text: pane.backend.unseenMentions
                            color: Theme.textOnAccent
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small - 1
                            font.bold: true
                        }
                    }
                    MentionsPopup {
                        id: mentionsPopup
                        backend: pane.backend
                        y: mentionsButton.height
                    }
                }
                Rectangle {
                    visible: pane.backend.inbox.totalUnread > 0
                    implicitWidth: unreadTotal.implicitWidth + 16
                    implicitHeight: 22
                    radius: 11
                    color: Theme.accentSoft

                    Text {
                        id: unreadTotal
                        anchors.centerIn: parent
                        text: qsTr("%1 unread").arg(pane.backend.inbox.totalUnread)
                        color: Theme.accent
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                        font.bold: true
                    }
                }
            }
            TextField {
                id: searchField
                objectName: "searchField"
                Layout.fillWidth: true
                placeholderText: qsTr("Search conversations and messages")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.body
                leftPadding: 34
                background: Rectangle {
                    radius: 8
                    color: Theme.inputBackground
                    border.color: searchField.activeFocus ? Theme.accent : "transparent"

                    Icon {
                        symbol: "search"
                        size: 16
                        color: Theme.faintText
                        x: 11
                        anchors.verticalCenter: parent.verticalCenter
                    }
                }
                onTextChanged: searchDelay.restart()

                Timer {
                    id: searchDelay
                    interval: 200
                    onTriggered: pane.backend.search(searchField.text)
                }
            }
            TabBar {
                id: filters
                objectName: "filters"
                Layout.fillWidth: true
                background: Item {}
                // Tab order and filter values differ: the values are ConversationFilterModel's.
                onCurrentIndexChanged: pane.backend.setFilter(pane.filterValues[currentIndex].value)

                Repeater {
                    model: pane.filterValues

                    TabButton {
                        id: filterButton

                        required property var modelData
                        required property int index

                        objectName: "filter-" + modelData.value
                        text: modelData.label
                        width: implicitWidth
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small + 1
                        font.bold: filters.currentIndex === filterButton.index
                        contentItem: Text {
                            text: filterButton.text
                            font: filterButton.font
                            color: filters.currentIndex === filterButton.index ? Theme.accent : Theme.mutedText
                            horizontalAlignment: Text.AlignHCenter
                            verticalAlignment: Text.AlignVCenter
                        }
                        background: Rectangle {
                            implicitHeight: 32
                            radius: 8
                            color: filters.currentIndex === filterButton.index ? Theme.accentSoft : "transparent"
                        }
                    }
                }
            }
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }
        ListView {
            id: list
            objectName: "inboxList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: pane.backend.conversations
            ScrollBar.vertical: ScrollBar {}
            delegate: ConversationDelegate {
                id: conversationRow
                width: ListView.view.width
                activityText: pane.backend.formatRelative(conversationRow.lastActivity, pane.now)
                waitingText: pane.backend.conversations.waitingText(conversationRow.waitingSince, pane.now)
                current: conversationRow.conversationId === pane.backend.currentConversationId
                onClicked: pane.backend.selectConversation(conversationRow.conversationId)
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 48
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: searchField.text.length > 0 ? qsTr("Nothing matches “%1”").arg(searchField.text)
                                                   : qsTr("No conversations here")
                color: Theme.faintText
                font.family: Theme.fontFamily
            }
        }
    }
    Rectangle {
        anchors.right: parent.right
        width: 1
        height: parent.height
        color: Theme.border
    }
}
