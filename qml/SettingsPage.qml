import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lobby.Backend

// The frame of a settings page: the page's margins, a scroll bar when it is long, and its
// content in one column (children go there). `canChange`: an admin is signed in.
ScrollView {
    id: page

    required property ConsoleController backend
    readonly property bool canChange: backend.admin
    default property alias content: column.data

    contentWidth: availableWidth
    contentHeight: column.implicitHeight + 40
    clip: true

    ColumnLayout {
        id: column
        x: 28
        y: 12
        width: page.availableWidth - 56
        spacing: 10
    }
}
