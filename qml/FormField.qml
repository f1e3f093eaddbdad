import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled field of a settings form with its error right under it. `name` becomes the
// TextField's objectName and, with "-error", the error's.
ColumnLayout {
    id: formField

    property string name
    property string label
    property string error
    property alias text: input.text
    property alias placeholderText: input.placeholderText
    property alias echoMode: input.echoMode
    property alias inputMethodHints: input.inputMethodHints
    property alias input: input

    signal accepted

    function clear() {
        input.clear();
    }

    spacing: 4

    Label {
        visible: text.length > 0
        text: formField.label
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        font.bold: true
        color: Theme.mutedText
    }
    SettingsTextField {
        id: input
        objectName: formField.name
        Layout.fillWidth: true
        error: formField.error
        onAccepted: formField.accepted()
    }
    FieldError {
        objectName: formField.name + "-error"
        text: formField.error
    }
}
