import QtQuick
import QtQuick.Controls

// A heading inside a settings page.
Label {
    font.family: Theme.fontFamily
    font.pixelSize: Theme.title
    font.bold: true
    color: Theme.text
    wrapMode: Text.Wrap
    textFormat: Text.PlainText
}
