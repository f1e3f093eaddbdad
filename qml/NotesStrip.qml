pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// The open conversation's private notes, on amber paper: staff only, never sent to the guest.
Rectangle {
    id: strip

    required property ConsoleController backend
    readonly property var notes: strip.backend.notes

    visible: strip.notes.length > 0
    implicitHeight: visible ? Math.min(160, column.implicitHeight + 16) : 0
    color: Theme.note
    border.color: Theme.noteBorder

    Flickable {
        anchors.fill: parent
        anchors.margins: 8
        contentHeight: column.implicitHeight
        clip: true
        // The newest note in view.
        contentY: Math.max(0, contentHeight - height)

        ColumnLayout {
            id: column
            width: parent.width
            spacing: 6

            Repeater {
                model: strip.notes

                ColumnLayout {
                    required property var modelData

                    Layout.fillWidth: true
                    spacing: 1
                    Label {
                        text: qsTr("Note by %1 · %2 · only staff see this").arg(parent.modelData.authorName).arg(Qt.formatDateTime(parent.modelData.createdAt, "ddd HH:mm"))
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small
                        font.bold: true
                        color: Theme.noteText
                    }
                    Label {
                        objectName: "noteText"
                        Layout.fillWidth: true
                        text: parent.modelData.content
                        textFormat: Text.PlainText
                        wrapMode: Text.Wrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        color: Theme.text
                    }
                }
            }
        }
    }
}
