import QtQuick
import QtQuick.Layouts

// A white panel on a settings page grouping one list or one form.
Rectangle {
    id: card

    default property alias content: column.data
    property alias spacing: column.spacing

    Layout.fillWidth: true
    implicitHeight: column.implicitHeight + 32
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        x: 16
        y: 16
        width: card.width - 32
        spacing: 10
    }
}
