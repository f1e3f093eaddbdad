pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// The open conversation: its header, the messages (newest at the bottom, older ones loaded when
// scrolling up), who is typing, and the composer.
Rectangle {
    id: pane

    required property ConsoleController backend
    // app/RequestsController: "Make a request" from a message.
    required property RequestsController requests
    readonly property var details: pane.backend.details
    readonly property var messages: pane.backend.messages

    color: Theme.conversationBackground

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        visible: pane.backend.currentConversationId > 0

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 64
            color: Theme.surface

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 20
                anchors.rightMargin: 20
                spacing: 12

                ChannelAvatar {
                    Layout.preferredWidth: 36
                    Layout.preferredHeight: 36
                    size: 36
                    kind: pane.details.kind ?? ""
                    title: pane.details.title ?? ""
                    roomNumber: pane.details.roomNumber ?? ""
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2

                    Label {
                        Layout.fillWidth: true
                        objectName: "conversationTitle"
                        text: pane.details.id ? pane.details.displayTitle : ""
                        textFormat: Text.PlainText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.title + 1
                        font.bold: true
                        color: Theme.text
                    }
                    Label {
                        text: {
                            const d = pane.details;
                            if (!d.id)
                                return "";
                            const channel = d.channelLabel;
                            return d.handlerName ? qsTr("%1 · handled by %2").arg(channel).arg(d.handlerName) : qsTr("%1 · unassigned").arg(channel);
                        }
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                        color: Theme.mutedText
                    }
                }
                Button {
                    id: takeOverButton
                    objectName: "takeOverButton"
                    visible: !!pane.details.id && pane.details.handlerId !== pane.backend.staff.id
                    text: pane.details.handlerId ? qsTr("Take over") : qsTr("Assign to me")
                    icon.source: "qrc:/icons/take-over.svg"
                    font.family: Theme.fontFamily
                    onClicked: pane.backend.takeOver()
                }
            }
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }
        // Where the conversation stands: status, snooze, check-out.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 46
            visible: !!pane.details.id
            color: Theme.surface

            WorkflowBar {
                objectName: "workflowBar"
                anchors.left: parent.left
                anchors.leftMargin: 20
                anchors.verticalCenter: parent.verticalCenter
                backend: pane.backend
                onCheckOutRequested: room => checkOutDialog.ask(room)
            }
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }
        ListView {
            id: messageList
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            // Row 0 is the newest message: bottom to top keeps it at the bottom, and reaching
            // the top of the history asks the model for more (fetchMore).
            verticalLayoutDirection: ListView.BottomToTop
            model: pane.messages
            spacing: 0
            topMargin: 12
            bottomMargin: 12
            ScrollBar.vertical: ScrollBar {}
            onAtYBeginningChanged: if (atYBeginning && pane.messages.hasOlder) pane.messages.loadOlder()
            delegate: MessageBubble {
                width: ListView.view.width - 40
                x: 20
                onReplyRequested: (repliedId, repliedSender, repliedText) => composer.replyTo(repliedId, repliedSender, repliedText)
                canMakeRequests: true
                onRequestWanted: (wantedId, wantedText) => makeRequest.ask(pane.backend.currentConversationId, wantedId, wantedText)
                onImageOpened: address => imageViewer.show(address)
            }

            // Older messages on their way.
            BusyIndicator {
                anchors.top: parent.top
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.topMargin: 8
                running: pane.messages.loading
                visible: running
                height: 28
                width: 28
            }
        }
        Label {
            objectName: "typingLine"
            Layout.fillWidth: true
            Layout.leftMargin: 24
            Layout.bottomMargin: 6
            visible: text.length > 0
            text: pane.messages.typingText
            textFormat: Text.PlainText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small
            font.italic: true
            color: Theme.accent
        }
        NotesStrip {
            objectName: "notesStrip"
            Layout.fillWidth: true
            backend: pane.backend
        }
        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            backend: pane.backend
        }
    }
    Column {
        anchors.centerIn: parent
        visible: pane.backend.currentConversationId <= 0
        spacing: 8

        Label {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Pick a conversation")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.heading
            color: Theme.mutedText
        }
        Label {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Guests, website visitors and customers all land in the inbox.")
            font.family: Theme.fontFamily
            color: Theme.faintText
        }
    }
    CheckOutDialog {
        id: checkOutDialog
        backend: pane.backend
    }
    Popup {
        id: imageViewer

        property string url

        function show(address) {
            imageViewer.url = address;
            imageViewer.open();
        }

        parent: Overlay.overlay
        anchors.centerIn: parent
        width: parent ? parent.width * 0.8 : 600
        height: parent ? parent.height * 0.8 : 400
        modal: true

        Image {
            anchors.fill: parent
            source: imageViewer.url
            fillMode: Image.PreserveAspectFit
            asynchronous: true
        }
        MouseArea {
            anchors.fill: parent
            onClicked: imageViewer.close()
        }
    }

    MakeRequestDialog {
        id: makeRequest
        requests: pane.requests
        parent: Overlay.overlay
        anchors.centerIn: parent
    }
}
