import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Why a field's value was refused, right under that field; takes no room when there is none.
Label {
    Layout.fillWidth: true
    visible: text.length > 0
    color: Theme.danger
    font.family: Theme.fontFamily
    font.pixelSize: Theme.small
    wrapMode: Text.Wrap
    textFormat: Text.PlainText
}
