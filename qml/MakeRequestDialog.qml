import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lobby.Backend

// "Make a request" from a message: a category and what to do (the message's text to start with),
// made in the open conversation through app/RequestsController.
Dialog {
    id: dialog

    required property RequestsController requests
    property var conversationId: 0
    property var messageId: 0

    function ask(conversation, message, text) {
        dialog.conversationId = conversation;
        dialog.messageId = message;
        detailsField.text = text.trim().slice(0, 1000);
        categoryBox.currentIndex = 0;
        dialog.open();
    }

    objectName: "makeRequestDialog"
    title: qsTr("Make a request")
    modal: true
    width: 440
    standardButtons: Dialog.Ok | Dialog.Cancel
    onAccepted: dialog.requests.makeRequest(dialog.conversationId, dialog.requests.categoryNames[categoryBox.currentIndex], detailsField.text, dialog.messageId)

    ColumnLayout {
        width: parent.width
        spacing: 8

        Label {
            text: qsTr("Category")
            font.family: Theme.fontFamily
        }
        ComboBox {
            id: categoryBox
            objectName: "makeRequestCategory"
            Layout.fillWidth: true
            model: dialog.requests.categoryLabels
            font.family: Theme.fontFamily
        }
        Label {
            text: qsTr("What is to be done")
            font.family: Theme.fontFamily
        }
        TextField {
            id: detailsField
            objectName: "makeRequestDetails"
            Layout.fillWidth: true
            maximumLength: 1000
            font.family: Theme.fontFamily
        }
    }
}
