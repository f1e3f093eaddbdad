pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Rooms: the rooms guests chat from, each with its PIN and the QR code on its door.
SettingsPage {
    id: page

    readonly property var errors: page.backend.settings.fieldErrors
    property int selectedIndex: -1
    readonly property var room: selectedIndex >= 0 && selectedIndex < page.backend.settings.rooms.count ? page.backend.settings.rooms.get(selectedIndex) : ({})
    readonly property string url: room.guestUrl ?? ""

    Connections {
        target: page.backend.settings
        function onFormSaved(form: string) {
            if (form === "room") {
                roomNumber.clear();
                roomPin.clear();
            } else if (form === "pin") {
                newPin.clear();
            }
        }
    }

    MutedText {
        Layout.fillWidth: true
        text: qsTr("Each room has a PIN. A guest scans the QR code on the room's card, types the PIN and chats with the desk. Give a new PIN when a guest checks out.")
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: 16

        // ---- the rooms and a new one
        ColumnLayout {
            Layout.fillWidth: true
            Layout.alignment: Qt.AlignTop
            spacing: 12

            SettingsCard {
                SectionLabel {
                    text: qsTr("Add a room")
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 8

                    FormField {
                        id: roomNumber
                        Layout.preferredWidth: 1 // equal halves
                        name: "roomNumberField"
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        label: qsTr("Room")
                        placeholderText: qsTr("e.g. 101")
                        enabled: page.canChange
                        error: page.errors["room/number"] ?? page.errors["room/"] ?? ""
                        onAccepted: addRoom.clicked()
                    }
                    FormField {
                        id: roomPin
                        Layout.preferredWidth: 1 // equal halves
                        name: "roomPinField"
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                        label: qsTr("PIN")
                        placeholderText: qsTr("4 to 8 digits")
                        inputMethodHints: Qt.ImhDigitsOnly
                        enabled: page.canChange
                        error: page.errors["room/pin"] ?? ""
                        onAccepted: addRoom.clicked()
                    }
                }
                SettingsButton {
                    id: addRoom
                    objectName: "addRoomButton"
                    kind: "primary"
                    text: qsTr("Add room")
                    enabled: page.canChange
                    onClicked: page.backend.settings.addRoom(roomNumber.text, roomPin.text)
                }
            }

            SettingsCard {
                spacing: 2

                SectionLabel {
                    Layout.bottomMargin: 6
                    text: qsTr("Rooms")
                }
                MutedText {
                    visible: page.backend.settings.rooms.count === 0
                    text: qsTr("No rooms yet.")
                }
                Repeater {
                    model: page.backend.settings.rooms

                    ItemDelegate {
                        id: roomRow

                        required property int index
                        required property string number

                        objectName: "roomRow-" + number
                        Layout.fillWidth: true
                        text: qsTr("Room %1").arg(number)
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        checked: page.selectedIndex === index
                        onClicked: page.selectedIndex = index
                        contentItem: Label {
                            text: roomRow.text
                            font: roomRow.font
                            color: roomRow.checked ? Theme.accent : Theme.text
                            elide: Text.ElideRight
                        }
                        background: Rectangle {
                            implicitHeight: 34
                            radius: Theme.radius - 4
                            color: roomRow.checked ? Theme.selected : roomRow.hovered ? Theme.hover : "transparent"
                        }
                    }
                }
            }
        }

        // ---- the chosen room
        SettingsCard {
            id: details
            objectName: "roomDetails"
            Layout.fillWidth: false
            Layout.preferredWidth: 300
            Layout.alignment: Qt.AlignTop
            visible: !!page.room.number

            SectionLabel {
                text: qsTr("Room %1").arg(page.room.number ?? "")
            }
            Image {
                Layout.alignment: Qt.AlignHCenter
                Layout.preferredWidth: 180
                Layout.preferredHeight: 180
                source: page.url ? page.backend.settings.qrImageSource(page.url) : ""
                smooth: false
            }
            CopyableText {
                objectName: "roomUrl"
                backend: page.backend
                text: page.url
            }
            SettingsButton {
                objectName: "printQrButton"
                text: qsTr("Print QR code")
                onClicked: {
                    const path = page.backend.settings.printRoomQr(page.room.number);
                    if (path.length > 0)
                        page.backend.openUrl("file://" + path);
                }
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.topMargin: 4
                implicitHeight: 1
                color: Theme.border
            }
            FormField {
                id: newPin
                name: "newPinField"
                Layout.fillWidth: true
                label: qsTr("New PIN")
                placeholderText: qsTr("4 to 8 digits")
                inputMethodHints: Qt.ImhDigitsOnly
                enabled: page.canChange
                error: page.errors["pin/pin"] ?? page.errors["pin/"] ?? ""
                onAccepted: setPin.clicked()
            }
            RowLayout {
                spacing: 8

                SettingsButton {
                    id: setPin
                    objectName: "setPinButton"
                    kind: "primary"
                    text: qsTr("Set PIN")
                    enabled: page.canChange && newPin.text.length > 0
                    onClicked: page.backend.settings.setRoomPin(page.room.id, newPin.text)
                }
                SettingsButton {
                    objectName: "rotatePinButton"
                    kind: "danger"
                    text: qsTr("Random new PIN")
                    enabled: page.canChange
                    onClicked: confirmRotate.open()
                }
                SettingsButton {
                    objectName: "settingsCheckOut"
                    kind: "danger"
                    text: qsTr("Check out…")
                    enabled: page.canChange
                    onClicked: roomCheckOut.ask(page.room.number)
                }
            }
        }
    }

    // Asks first, then shows the new PIN with Print PIN card.
    CheckOutDialog {
        id: roomCheckOut
        backend: page.backend
    }

    ConfirmDialog {
        id: confirmRotate
        objectName: "rotatePinDialog"

        // The room asked about, even if the selection changes while the dialog is open.
        property var askedRoomId
        property string askedNumber

        title: qsTr("Give room %1 a new PIN?").arg(askedNumber)
        message: qsTr("The old PIN stops working at once: guests still in the room need the new one to chat again. Lobby shows the new PIN once.")
        confirmText: qsTr("New PIN")
        onAboutToShow: {
            askedRoomId = page.room.id;
            askedNumber = page.room.number;
        }
        onConfirmed: page.backend.settings.rotateRoomPin(askedRoomId)
    }
}
