pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Settings: rooms with PINs and their QR codes, the website chat (keys and the snippet to paste),
// staff accounts, FAQ entries, how guests reach Lobby, and where channel events go (webhooks).
// Changes need an admin.
Dialog {
    id: dialog

    required property ConsoleController backend

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

    // An address or a line to paste elsewhere, with a button that copies it.
    component CopyableText: RowLayout {
        id: copyable

        property string text

        Layout.fillWidth: true
        spacing: 8

        TextField {
            Layout.fillWidth: true
            readOnly: true
            selectByMouse: true
            text: copyable.text
            font.family: Theme.monospaceFontFamily
            font.pixelSize: Theme.small + 1
        }
        Button {
            objectName: copyable.objectName + "-copy"
            text: qsTr("Copy")
            icon.source: "qrc:/icons/copy.svg"
            onClicked: dialog.backend.copyToClipboard(copyable.text)
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        TabBar {
            id: tabs
            Layout.fillWidth: true

            Repeater {
                model: [qsTr("Rooms"), qsTr("Website chat"), qsTr("Staff"), qsTr("FAQ"), qsTr("Server"), qsTr("Webhooks"), qsTr("Canned replies"), qsTr("Hours & texts")]

                TabButton {
                    required property string modelData
                    required property int index
                    objectName: "settingsTab-" + index
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
                        model: dialog.backend.settings.rooms
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
                                dialog.backend.settings.addRoom(newRoom.text, newRoomPin.text);
                                newRoom.clear();
                                newRoomPin.clear();
                            }
                        }
                    }
                }
                ColumnLayout {
                    id: roomDetails

                    readonly property var room: roomList.currentIndex >= 0 ? dialog.backend.settings.rooms.get(roomList.currentIndex) : ({})
                    readonly property string url: room.guestUrl ?? ""

                    Layout.preferredWidth: 300
                    visible: !!room.number
                    spacing: 8

                    SectionLabel {
                        text: qsTr("Room %1").arg(roomDetails.room.number ?? "")
                    }
                    Image {
                        Layout.preferredWidth: 180
                        Layout.preferredHeight: 180
                        source: roomDetails.url ? dialog.backend.settings.qrImageSource(roomDetails.url) : ""
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
                                dialog.backend.settings.setRoomPin(roomDetails.room.id, pin.text);
                                pin.clear();
                            }
                        }
                    }
                    RowLayout {
                        Button {
                            text: qsTr("Random new PIN")
                            onClicked: dialog.backend.settings.rotateRoomPin(roomDetails.room.id)
                        }
                        Button {
                            text: qsTr("Print QR code")
                            onClicked: {
                                const path = dialog.backend.settings.printRoomQr(roomDetails.room.number);
                                if (path.length > 0)
                                    dialog.backend.openUrl("file://" + path);
                            }
                        }
                        Button {
                            objectName: "settingsCheckOut"
                            text: qsTr("Check out…")
                            onClicked: roomCheckOut.ask(roomDetails.room.number)
                        }
                    }
                    CheckOutDialog {
                        id: roomCheckOut
                        backend: dialog.backend
                    }
                }
            }
            // ---- API keys
            ColumnLayout {
                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: dialog.backend.settings.apiKeys
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
                                onClicked: dialog.backend.settings.revokeApiKey(keyRow.id)
                            }
                        }
                    }
                }
                RowLayout {
                    TextField {
                        id: keyLabel
                        objectName: "keyLabelField"
                        placeholderText: qsTr("Which website, e.g. Hotel website")
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "createKeyButton"
                        text: qsTr("Create website key")
                        enabled: keyLabel.text.trim().length > 0
                        onClicked: {
                            dialog.backend.settings.createApiKey(keyLabel.text);
                            keyLabel.clear();
                        }
                    }
                }
                Muted {
                    Layout.fillWidth: true
                    text: qsTr("Each website that shows the chat needs a key. A new key is shown once, together with the line to paste into the website's pages; after that only its first letters are kept here.")
                }
            }
            // ---- staff
            ColumnLayout {
                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: dialog.backend.settings.staffAccounts
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
                        placeholderText: qsTr("Password (at least 8 characters)")
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
                            dialog.backend.settings.addStaff(staffName.text, staffEmail.text, staffPassword.text, staffAdmin.checked, staffJob.text);
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
                    model: dialog.backend.settings.faq
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
                                onClicked: dialog.backend.settings.removeFaq(faqRow.id)
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
                            dialog.backend.settings.addFaq(faqQuestion.text, faqAnswer.text);
                            faqQuestion.clear();
                            faqAnswer.clear();
                        }
                    }
                }
            }
            // ---- server
            ScrollView {
                id: serverTab
                contentWidth: availableWidth
                clip: true

                ColumnLayout {
                    width: serverTab.availableWidth
                    spacing: 8

                    SectionLabel {
                        text: qsTr("Guests reach Lobby at")
                    }
                    CopyableText {
                        objectName: "publicUrl"
                        text: dialog.backend.publicUrl
                    }
                    Muted {
                        Layout.fillWidth: true
                        text: qsTr("Phones and websites must be able to open this address. Lobby itself listens on %1.").arg(dialog.backend.serverUrl)
                    }
                    SectionLabel {
                        Layout.topMargin: 8
                        text: qsTr("Guest pages of the rooms")
                    }
                    Muted {
                        Layout.fillWidth: true
                        visible: dialog.backend.settings.rooms.count === 0
                        text: qsTr("No rooms yet: add them under Rooms.")
                    }
                    Repeater {
                        model: dialog.backend.settings.rooms

                        RowLayout {
                            id: roomLink
                            required property string number
                            required property string guestUrl
                            Layout.fillWidth: true

                            Label {
                                text: qsTr("Room %1").arg(roomLink.number)
                                textFormat: Text.PlainText
                                Layout.preferredWidth: 90
                            }
                            CopyableText {
                                objectName: "guestLink-" + roomLink.number
                                text: roomLink.guestUrl
                            }
                        }
                    }
                    SectionLabel {
                        Layout.topMargin: 8
                        text: qsTr("Chat on your website")
                    }
                    Muted {
                        Layout.fillWidth: true
                        text: qsTr("Paste this line into every page of your website, with a key from Website chat in place of the capital letters (a key is shown with the whole line when it is created).")
                    }
                    CopyableText {
                        objectName: "widgetSnippet"
                        text: dialog.backend.settings.widgetSnippet("")
                    }
                    SectionLabel {
                        Layout.topMargin: 8
                        text: qsTr("Connected right now")
                    }
                    Label {
                        objectName: "connectionCount"
                        text: dialog.backend.openConnections === 1 ? qsTr("1 phone, browser or app") : qsTr("%1 phones, browsers or apps").arg(dialog.backend.openConnections)
                    }
                }
            }
            // ---- webhooks
            WebhooksTab {
                backend: dialog.backend
            }
            CannedRepliesPage {
                backend: dialog.backend
            }
            HoursPage {
                backend: dialog.backend
            }
        }
    }
}
