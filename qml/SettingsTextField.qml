import QtQuick
import QtQuick.Controls

// A text field in the console's style; its border turns red while `error` is set.
TextField {
    id: field

    property string error

    font.family: Theme.fontFamily
    font.pixelSize: Theme.body
    color: Theme.text
    placeholderTextColor: Theme.faintText
    selectByMouse: true
    leftPadding: 10
    rightPadding: 10
    background: Rectangle {
        implicitHeight: 34
        implicitWidth: 120
        radius: Theme.radius - 4
        color: field.enabled ? Theme.surface : Theme.inputBackground
        border.width: field.activeFocus || field.error.length > 0 ? 2 : 1
        border.color: field.error.length > 0 ? Theme.danger : field.activeFocus ? Theme.accent : Theme.border
    }
}
