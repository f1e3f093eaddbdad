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

    // Scrolls so that `item` (inside the page) is in view, e.g. a form that Edit filled.
    function reveal(item: Item) {
        const flickable = contentItem as Flickable;
        const top = item.mapToItem(flickable.contentItem, 0, 0).y;
        if (top < flickable.contentY || top + item.height > flickable.contentY + flickable.height)
            flickable.contentY = Math.max(0, Math.min(top - 12, flickable.contentHeight - flickable.height));
    }

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
