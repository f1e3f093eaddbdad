import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Asks before something that cannot be undone (a new PIN, removing an account). `confirmed`
// fires only for the confirm button; the buttons are named objectName + "-confirm" / "-cancel".
Dialog {
    id: confirm

    property string message
    property string confirmText: qsTr("Remove")
    property string cancelText: qsTr("Cancel")

    signal confirmed

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(parent.width - 80, 440)
    modal: true
    dim: true
    padding: 20
    font.family: Theme.fontFamily
    onAccepted: confirmed()

    Overlay.modal: Rectangle {
        color: Theme.scrim
    }
    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }
    header: Label {
        text: confirm.title
        padding: 20
        bottomPadding: 0
        font.family: Theme.fontFamily
        font.pixelSize: Theme.title
        font.bold: true
        color: Theme.text
        wrapMode: Text.Wrap
    }

    // The buttons are in the content, not the footer, so they sit inside the dialog's margins.
    ColumnLayout {
        width: confirm.availableWidth
        spacing: 20

        Label {
            Layout.fillWidth: true
            text: confirm.message
            wrapMode: Text.WordWrap
            textFormat: Text.PlainText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            color: Theme.text
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            spacing: 8

            SettingsButton {
                objectName: confirm.objectName + "-cancel"
                text: confirm.cancelText
                onClicked: confirm.reject()
            }
            SettingsButton {
                objectName: confirm.objectName + "-confirm"
                kind: "danger"
                text: confirm.confirmText
                onClicked: confirm.accept()
            }
        }
    }
}
