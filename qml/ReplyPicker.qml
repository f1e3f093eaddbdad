pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// The composer's "/" list: canned replies and FAQ answers matching what follows the slash.
// The composer keeps the keyboard: it calls moveSelection() for the arrows and chosenBody() for
// Enter; a click chooses too. Matching is RepliesController::matchReplies.
Popup {
    id: picker

    required property RepliesController replies
    property string query
    readonly property var matches: picker.replies.matchReplies(picker.query)
    readonly property int count: list.count
    property int currentIndex: 0

    signal chosen(string body)

    function moveSelection(step: int) {
        if (list.count === 0)
            return;
        picker.currentIndex = (picker.currentIndex + step + list.count) % list.count;
        list.positionViewAtIndex(picker.currentIndex, ListView.Contain);
    }
    function chosenBody(): string {
        const match = picker.matches[picker.currentIndex];
        return match ? match.body : "";
    }

    onQueryChanged: picker.currentIndex = 0
    padding: 6
    height: Math.min(320, list.contentHeight + 12 + header.implicitHeight)
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutsideParent
    // The composer's text box keeps the focus while the list is open.
    focus: false

    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        Label {
            id: header
            Layout.fillWidth: true
            leftPadding: 6
            text: list.count > 0 ? qsTr("Canned replies: arrows to choose, Enter to insert, Esc to close") : qsTr("No canned reply matches \"%1\"").arg(picker.query)
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small
            color: Theme.mutedText
        }
        ListView {
            id: list
            objectName: "replyPickerList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: picker.matches
            currentIndex: picker.currentIndex

            delegate: ItemDelegate {
                id: row

                required property var modelData
                required property int index

                objectName: "replyPickerRow"
                width: ListView.view.width
                highlighted: row.index === picker.currentIndex
                onClicked: picker.chosen(row.modelData.body)

                contentItem: ColumnLayout {
                    spacing: 2

                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            Layout.fillWidth: true
                            text: row.modelData.title
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.body
                            font.bold: true
                            color: Theme.text
                        }
                        Label {
                            text: row.modelData.category
                            textFormat: Text.PlainText
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small
                            color: Theme.faintText
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: row.modelData.body
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        maximumLineCount: 1
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                        color: Theme.mutedText
                    }
                }
            }
        }
    }
}
