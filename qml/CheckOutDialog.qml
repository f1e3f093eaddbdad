import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Check-out of a room: a confirmation first, then the new PIN with "Print PIN card".
Dialog {
    id: dialog

    required property ConsoleController backend
    property string roomNumber
    property string newPin
    property int endedSessions: 0
    readonly property bool done: dialog.newPin.length > 0

    function ask(room) {
        dialog.roomNumber = room;
        dialog.newPin = "";
        dialog.open();
    }

    objectName: "checkOutDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: 420
    modal: true
    title: dialog.done ? qsTr("Room %1 is checked out").arg(dialog.roomNumber) : qsTr("Check out room %1?").arg(dialog.roomNumber)
    closePolicy: Popup.CloseOnEscape
    padding: 24
    topPadding: 20
    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }
    header: Label {
        text: dialog.title
        padding: 24
        bottomPadding: 0
        font.family: Theme.fontFamily
        font.pixelSize: Theme.title + 1
        font.bold: true
        color: Theme.text
        wrapMode: Text.WordWrap
    }
    Overlay.modal: Rectangle {
        color: Qt.rgba(0.11, 0.14, 0.19, 0.45)
    }

    Connections {
        target: dialog.backend
        function onCheckedOut(room, pin, ended) {
            if (room !== dialog.roomNumber)
                return;
            dialog.newPin = pin;
            dialog.endedSessions = ended;
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            visible: !dialog.done
            text: qsTr("The guests' phones are signed out, the room gets a new PIN, and this conversation is resolved and archived. The next guest starts from nothing.")
            font.family: Theme.fontFamily
            color: Theme.mutedText
        }
        Label {
            Layout.fillWidth: true
            visible: dialog.done
            wrapMode: Text.WordWrap
            text: qsTr("%n guest session(s) ended. The new PIN for the next guest:", "", dialog.endedSessions)
            font.family: Theme.fontFamily
            color: Theme.mutedText
        }
        Label {
            objectName: "newPin"
            Layout.alignment: Qt.AlignHCenter
            visible: dialog.done
            text: dialog.newPin
            font.family: Theme.fontFamily
            font.pixelSize: 34
            font.bold: true
            font.letterSpacing: 6
            color: Theme.text
        }
        RowLayout {
            Layout.fillWidth: true
            Item {
                Layout.fillWidth: true
            }
            PillButton {
                objectName: "checkOutCancel"
                visible: !dialog.done
                text: qsTr("Cancel")
                font.family: Theme.fontFamily
                onClicked: dialog.close()
            }
            PillButton {
                objectName: "checkOutConfirm"
                visible: !dialog.done
                text: qsTr("Check out")
                tone: "accent"
                onClicked: dialog.backend.checkOutCurrentRoom(dialog.roomNumber)
            }
            PillButton {
                objectName: "printPinCard"
                visible: dialog.done
                text: qsTr("Print PIN card")
                font.family: Theme.fontFamily
                onClicked: dialog.backend.printPinCard(dialog.roomNumber, dialog.newPin)
            }
            PillButton {
                objectName: "checkOutClose"
                visible: dialog.done
                text: qsTr("Done")
                tone: "accent"
                onClicked: dialog.close()
            }
        }
    }
}
