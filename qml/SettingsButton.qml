import QtQuick
import QtQuick.Controls

// A button in the console's style: `primary` (the one thing a form does), `secondary`, or
// `danger` (removes or replaces something; it asks first through a ConfirmDialog).
Button {
    id: button

    property string kind: "secondary"
    readonly property color fill: kind === "primary" ? Theme.accent : kind === "danger" ? Theme.surface : Theme.surface
    readonly property color ink: kind === "primary" ? Theme.textOnAccent : kind === "danger" ? Theme.danger : Theme.text

    font.family: Theme.fontFamily
    font.pixelSize: Theme.body
    leftPadding: 14
    rightPadding: 14
    topPadding: 7
    bottomPadding: 7
    icon.color: ink
    opacity: enabled ? 1 : 0.45

    contentItem: Label {
        text: button.text
        font: button.font
        color: button.ink
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitHeight: 34
        radius: Theme.radius - 4
        color: button.kind === "primary" ? (button.down ? Theme.accentPressed : Theme.accent) : (button.down || button.hovered ? Theme.hover : Theme.surface)
        border.width: button.kind === "primary" ? 0 : 1
        border.color: button.kind === "danger" ? Theme.danger : Theme.border
    }
}
