import QtQuick
import QtQuick.Controls

// A small rounded button in the console's style; `tone` picks its colours: "plain", "accent"
// (the main action), "note" (amber, for anything staff-only).
Button {
    id: pill

    property string tone: "plain"

    font.family: Theme.fontFamily
    font.pixelSize: Theme.small + 1
    font.bold: pill.tone !== "plain"
    leftPadding: 12
    rightPadding: 12
    topPadding: 6
    bottomPadding: 6
    hoverEnabled: true

    contentItem: Text {
        text: pill.text
        font: pill.font
        color: pill.tone === "accent" ? Theme.textOnAccent : pill.tone === "note" ? Theme.noteText : Theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitHeight: 30
        radius: 15
        color: pill.tone === "accent" ? (pill.down ? Theme.accentPressed : Theme.accent) : pill.tone === "note" ? (pill.hovered ? Theme.noteHover : Theme.note) : (pill.hovered ? Theme.hover : Theme.surface)
        border.color: pill.tone === "plain" ? Theme.border : pill.tone === "note" ? Theme.noteBorder : "transparent"
    }
}
