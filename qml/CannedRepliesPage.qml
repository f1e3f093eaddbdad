pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Canned replies: the site's library of ready-made answers, shared by all staff and
// inserted from the composer ("/"). Each has a category, a title and a text that may use
// variables, filled in when it is inserted. Only an admin changes the library.
ScrollView {
    id: page

    required property ConsoleController backend

    readonly property bool canChange: backend.admin
    property var editingId: 0 // the reply in the form, 0 for a new one

    function edit(reply) {
        page.editingId = reply.id;
        categoryField.text = reply.category;
        titleField.text = reply.title;
        bodyField.text = reply.body;
        titleField.forceActiveFocus();
    }
    function clearForm() {
        page.editingId = 0;
        categoryField.clear();
        titleField.clear();
        bodyField.clear();
    }
    function save() {
        if (page.editingId)
            page.backend.replies.updateCannedReply(page.editingId, categoryField.text, titleField.text, bodyField.text);
        else
            page.backend.replies.addCannedReply(categoryField.text, titleField.text, bodyField.text);
        page.clearForm();
    }

    contentWidth: availableWidth
    clip: true

    ColumnLayout {
        width: page.availableWidth
        spacing: 10

        Label {
            text: page.editingId ? qsTr("Edit canned reply") : qsTr("New canned reply")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Variables are filled in when a reply is inserted: {{guest.name}}, {{room}}, {{staff.name}}, {{hotel}}, {{wifi}}, {{checkout_time}}. One that has no value is left selected in the composer for you to type.")
            textFormat: Text.PlainText
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small
            color: Theme.mutedText
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: categoryField
                objectName: "cannedCategoryField"
                Layout.preferredWidth: 160
                placeholderText: qsTr("Category (General)")
                enabled: page.canChange
            }
            TextField {
                id: titleField
                objectName: "cannedTitleField"
                Layout.fillWidth: true
                placeholderText: qsTr("Title, e.g. Wi-Fi password")
                enabled: page.canChange
            }
        }
        TextArea {
            id: bodyField
            objectName: "cannedBodyField"
            Layout.fillWidth: true
            Layout.preferredHeight: 80
            wrapMode: TextArea.Wrap
            textFormat: TextEdit.PlainText
            placeholderText: qsTr("Text, e.g. The Wi-Fi password is {{wifi}}.")
            enabled: page.canChange
            background: Rectangle {
                radius: 6
                border.color: Theme.border
            }
        }
        RowLayout {
            Button {
                objectName: "cannedSaveButton"
                text: page.editingId ? qsTr("Save") : qsTr("Add")
                enabled: page.canChange && titleField.text.trim().length > 0 && bodyField.text.trim().length > 0
                onClicked: page.save()
            }
            Button {
                visible: page.editingId !== 0
                text: qsTr("Cancel")
                onClicked: page.clearForm()
            }
            Label {
                visible: !page.canChange
                text: qsTr("Only an admin can change canned replies.")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small
                color: Theme.mutedText
            }
        }

        Label {
            Layout.topMargin: 8
            text: qsTr("Library (%1)").arg(page.backend.replies.cannedReplies.length)
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            font.bold: true
            color: Theme.text
        }
        Repeater {
            model: page.backend.replies.cannedReplies

            Rectangle {
                id: row

                required property var modelData

                objectName: "cannedRow-" + row.modelData.title
                Layout.fillWidth: true
                implicitHeight: rowLayout.implicitHeight + 16
                radius: 8
                color: page.editingId === row.modelData.id ? Theme.selected : Theme.window

                RowLayout {
                    id: rowLayout
                    anchors.fill: parent
                    anchors.margins: 8

                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            Layout.fillWidth: true
                            text: row.modelData.title + "  ·  " + row.modelData.category
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.body
                            font.bold: true
                            color: Theme.text
                        }
                        Label {
                            Layout.fillWidth: true
                            text: row.modelData.body
                            textFormat: Text.PlainText
                            wrapMode: Text.Wrap
                            maximumLineCount: 3
                            elide: Text.ElideRight
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small
                            color: Theme.mutedText
                        }
                    }
                    Button {
                        objectName: "cannedEdit-" + row.modelData.title
                        text: qsTr("Edit")
                        enabled: page.canChange
                        onClicked: page.edit(row.modelData)
                    }
                    Button {
                        objectName: "cannedRemove-" + row.modelData.title
                        text: qsTr("Remove")
                        enabled: page.canChange
                        onClicked: page.backend.replies.removeCannedReply(row.modelData.id)
                    }
                }
            }
        }
    }
}
