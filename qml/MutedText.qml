import QtQuick
import QtQuick.Controls

// Explanations and secondary details in settings: smaller, softer, wrapped between words.
Label {
    font.family: Theme.fontFamily
    font.pixelSize: Theme.small
    color: Theme.mutedText
    wrapMode: Text.WordWrap
    textFormat: Text.PlainText
}
