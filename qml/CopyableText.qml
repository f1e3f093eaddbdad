import QtQuick
import QtQuick.Layouts
import Lobby.Backend

// An address or a line to paste elsewhere, whole on one line (never wrapped mid-word), with a
// button that copies it. The button is named objectName + "-copy".
RowLayout {
    id: copyable

    required property ConsoleController backend
    property string text

    Layout.fillWidth: true
    spacing: 8

    SettingsTextField {
        Layout.fillWidth: true
        readOnly: true
        text: copyable.text
        font.family: Theme.monospaceFontFamily
        font.pixelSize: Theme.small + 1
        // The start of an address says the most: show it first.
        Component.onCompleted: cursorPosition = 0
        onTextChanged: cursorPosition = 0
    }
    SettingsButton {
        objectName: copyable.objectName + "-copy"
        text: qsTr("Copy")
        icon.source: "qrc:/icons/copy.svg"
        onClicked: copyable.backend.copyToClipboard(copyable.text)
    }
}
