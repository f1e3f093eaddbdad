pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings: rooms with PINs and their QR codes, API keys, staff accounts, FAQ entries, and the
// server's addresses and live connections. Changes need an admin.
Dialog {
    id: dialog

    required property var backend

    title: qsTr("Settings")
    modal: true
    standardButtons: Dialog.Close
    font.family: Theme.fontFamily

    component SectionLabel: Label {
        font.family: Theme.fontFamily
        font.pixelSize: Theme.title
        font.bold: true
        color: Theme.text
    }
    component Muted: Label {
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        color: Theme.mutedText
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        TabBar {
            id: tabs
            Layout.fillWidth: true

            Repeater {
                model: [qsTr("Rooms"), qsTr("API keys"), qsTr("Staff"), qsTr("FAQ"), qsTr("Server")]

                TabButton {
                    required property string modelData
                    text: modelData
                }
            }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            // ---- rooms
            RowLayout {
                spacing: 16

                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true

                    ListView {
                        id: roomList
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: dialog.backend.rooms
                        delegate: ItemDelegate {
                            required property int index
                            required property var id
                            required property string number
                            width: ListView.view.width
                            text: qsTr("Room %1").arg(number)
                            highlighted: ListView.isCurrentItem
                            onClicked: roomList.currentIndex = index
                        }
                    }
                    RowLayout {
                        TextField {
                            id: newRoom
                            placeholderText: qsTr("Room")
                            Layout.preferredWidth: 80
                        }
                        TextField {
                            id: newRoomPin
                            placeholderText: qsTr("PIN")
                            Layout.preferredWidth: 80
                            inputMethodHints: Qt.ImhDigitsOnly
                        }
                        Button {
                            text: qsTr("Add room")
                            onClicked: {
                                dialog.backend.addRoom(newRoom.text, newRoomPin.text);
                                newRoom.clear();
                                newRoomPin.clear();
                            }
                        }
                    }
                }
                ColumnLayout {
                    id: roomDetails

                    readonly property var room: roomList.currentIndex >= 0 ? dialog.backend.rooms.get(roomList.currentIndex) : ({})
                    readonly property string url: room.number ? dialog.backend.guestPageUrl(room.number) : ""

                    Layout.preferredWidth: 300
                    visible: !!room.number
                    spacing: 8

                    SectionLabel {
                        text: qsTr("Room %1").arg(roomDetails.room.number ?? "")
                    }
                    Image {
                        Layout.preferredWidth: 180
                        Layout.preferredHeight: 180
                        source: roomDetails.url ? dialog.backend.qrImageSource(roomDetails.url) : ""
                        smooth: false
                    }
                    Muted {
                        Layout.fillWidth: true
                        text: roomDetails.url
                    }
                    RowLayout {
                        TextField {
                            id: pin
                            placeholderText: qsTr("New PIN")
                            Layout.preferredWidth: 100
                            inputMethodHints: Qt.ImhDigitsOnly
                        }
                        Button {
                            text: qsTr("Set PIN")
                            onClicked: {
                                dialog.backend.setRoomPin(roomDetails.room.id, pin.text);
                                pin.clear();
                            }
                        }
                    }
                    RowLayout {
                        Button {
                            text: qsTr("Rotate PIN")
                            onClicked: dialog.backend.rotateRoomPin(roomDetails.room.id)
                        }
                        Button {
                            text: qsTr("Print QR code")
                            onClicked: {
                                const path = dialog.backend.printRoomQr(roomDetails.room.number);
                                if (path.length > 0)
                                    dialog.backend.openUrl("file://" + path);
                            }
                        }
                    }
                }
            }
            // ---- API keys
            ColumnLayout {
                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: dialog.backend.apiKeys
                    delegate: ItemDelegate {
                        id: keyRow
                        required property var id
                        required property string label
                        required property string prefix
                        required property bool revoked
                        width: ListView.view.width
                        contentItem: RowLayout {
                            Label {
                                text: keyRow.label
                                textFormat: Text.PlainText
                                Layout.fillWidth: true
                                font.strikeout: keyRow.revoked
                            }
                            Muted {
                                text: keyRow.prefix + "…"
                            }
                            Button {
                                text: keyRow.revoked ? qsTr("Revoked") : qsTr("Revoke")
                                enabled: !keyRow.revoked
                                onClicked: dialog.backend.revokeApiKey(keyRow.id)
                            }
                        }
                    }
                }
                RowLayout {
                    TextField {
                        id: keyLabel
                        placeholderText: qsTr("Label, e.g. Hotel website")
                        Layout.fillWidth: true
                    }
                    Button {
                        text: qsTr("Create API key")
                        enabled: keyLabel.text.trim().length > 0
                        onClicked: {
                            dialog.backend.createApiKey(keyLabel.text);
                            keyLabel.clear();
                        }
                    }
                }
                Muted {
                    Layout.fillWidth: true
                    text: qsTr("A new key is shown once; only its hash is stored.")
                }
            }
            // ---- staff
            ColumnLayout {
                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: dialog.backend.staffAccounts
                    delegate: ItemDelegate {
                        id: staffRow
                        required property string name
                        required property string email
                        required property string jobTitle
                        required property bool admin
                        width: ListView.view.width
                        contentItem: RowLayout {
                            Label {
                                text: staffRow.name
                                textFormat: Text.PlainText
                                font.bold: true
                            }
                            Muted {
                                text: staffRow.jobTitle
                                Layout.fillWidth: true
                            }
                            Muted {
                                text: staffRow.email + (staffRow.admin ? qsTr(" · admin") : "")
                            }
                        }
                    }
                }
                GridLayout {
                    columns: 3
                    TextField {
                        id: staffName
                        placeholderText: qsTr("Name")
                    }
                    TextField {
                        id: staffEmail
                        placeholderText: qsTr("Email")
                    }
                    TextField {
                        id: staffPassword
                        placeholderText: qsTr("Password (8+)")
                        echoMode: TextInput.Password
                    }
                    TextField {
                        id: staffJob
                        placeholderText: qsTr("Job title")
                    }
                    CheckBox {
                        id: staffAdmin
                        text: qsTr("Admin")
                    }
                    Button {
                        text: qsTr("Add staff")
                        onClicked: {
                            dialog.backend.addStaff(staffName.text, staffEmail.text, staffPassword.text, staffAdmin.checked, staffJob.text);
                            staffPassword.clear();
                        }
                    }
                }
            }
            // ---- FAQ
            ColumnLayout {
                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 4
                    model: dialog.backend.faq
                    delegate: ItemDelegate {
                        id: faqRow
                        required property var id
                        required property string question
                        required property string answer
                        width: ListView.view.width
                        contentItem: RowLayout {
                            ColumnLayout {
                                Layout.fillWidth: true
                                Label {
                                    text: faqRow.question
                                    textFormat: Text.PlainText
                                    font.bold: true
                                    Layout.fillWidth: true
                                    elide: Text.ElideRight
                                }
                                Muted {
                                    text: faqRow.answer
                                    Layout.fillWidth: true
                                    elide: Text.ElideRight
                                    maximumLineCount: 1
                                }
                            }
                            Button {
                                text: qsTr("Remove")
                                onClicked: dialog.backend.removeFaq(faqRow.id)
                            }
                        }
                    }
                }
                TextField {
                    id: faqQuestion
                    Layout.fillWidth: true
                    placeholderText: qsTr("Question")
                }
                RowLayout {
                    TextField {
                        id: faqAnswer
                        Layout.fillWidth: true
                        placeholderText: qsTr("Answer")
                    }
                    Button {
                        text: qsTr("Add")
                        onClicked: {
                            dialog.backend.addFaq(faqQuestion.text, faqAnswer.text);
                            faqQuestion.clear();
                            faqAnswer.clear();
                        }
                    }
                }
            }
            // ---- server
            GridLayout {
                columns: 2
                columnSpacing: 16
                rowSpacing: 10

                Muted {
                    text: qsTr("Listening on")
                }
                Label {
                    text: dialog.backend.serverUrl
                    textFormat: Text.PlainText
                }
                Muted {
                    text: qsTr("Reached at")
                }
                Label {
                    text: dialog.backend.publicUrl
                    textFormat: Text.PlainText
                }
                Muted {
                    text: qsTr("Guest page (room 101)")
                }
                Label {
                    text: dialog.backend.guestPageUrl("101")
                    textFormat: Text.PlainText
                    Layout.fillWidth: true
                    wrapMode: Text.WrapAnywhere
                }
                Muted {
                    text: qsTr("Website widget API")
                }
                Label {
                    text: dialog.backend.widgetScriptUrl()
                    textFormat: Text.PlainText
                }
                Muted {
                    text: qsTr("Open connections")
                }
                Label {
                    objectName: "connectionCount"
                    text: dialog.backend.openConnections
                    font.bold: true
                }
                Item {
                    Layout.fillHeight: true
                }
            }
        }
    }
}
