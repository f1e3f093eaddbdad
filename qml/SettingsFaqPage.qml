pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings, FAQ: questions guests ask and the desk's answers (the assistant uses them, and
// they are quick replies in the composer). Edit fills the form; Remove asks first.
SettingsPage {
    id: page

    // The entry being edited (0: the form adds a new one).
    property real editingId: 0
    readonly property string form: editingId > 0 ? "editFaq" : "faq"
    readonly property var errors: page.backend.settings.fieldErrors

    function error(field: string): string {
        return page.errors[page.form + "/" + field] ?? "";
    }
    function clearForm() {
        editingId = 0;
        faqQuestion.clear();
        faqAnswer.clear();
    }
    function edit(entry: var) {
        page.backend.settings.clearFieldErrors("faq");
        page.backend.settings.clearFieldErrors("editFaq");
        editingId = entry.id;
        faqQuestion.text = entry.question;
        faqAnswer.text = entry.answer;
        page.reveal(formCard);
        faqQuestion.input.forceActiveFocus();
    }

    Connections {
        target: page.backend.settings
        function onFormSaved(form: string) {
            if (form === "faq" || form === "editFaq")
                page.clearForm();
        }
    }

    SettingsCard {
        spacing: 0

        SectionLabel {
            Layout.bottomMargin: 8
            text: qsTr("Questions and answers")
        }
        MutedText {
            visible: page.backend.settings.faq.count === 0
            text: qsTr("No entries yet.")
        }
        Repeater {
            model: page.backend.settings.faq

            RowLayout {
                id: faqRow

                required property int index
                required property var id
                required property string question
                required property string answer

                Layout.fillWidth: true
                Layout.topMargin: 5
                Layout.bottomMargin: 5
                spacing: 12

                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 1

                    Label {
                        Layout.fillWidth: true
                        text: faqRow.question
                        textFormat: Text.PlainText
                        wrapMode: Text.WordWrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        font.bold: true
                        color: Theme.text
                    }
                    MutedText {
                        Layout.fillWidth: true
                        text: faqRow.answer
                        maximumLineCount: 2
                        elide: Text.ElideRight
                    }
                }
                SettingsButton {
                    objectName: "editFaq-" + faqRow.index
                    text: qsTr("Edit")
                    enabled: page.canChange
                    onClicked: page.edit(faqRow)
                }
                SettingsButton {
                    objectName: "removeFaq-" + faqRow.index
                    kind: "danger"
                    text: qsTr("Remove")
                    enabled: page.canChange
                    onClicked: {
                        confirmRemove.entryId = faqRow.id;
                        confirmRemove.question = faqRow.question;
                        confirmRemove.open();
                    }
                }
            }
        }
    }

    SettingsCard {
        id: formCard
        objectName: "faqForm"

        SectionLabel {
            text: page.editingId ? qsTr("Change this entry") : qsTr("Add an entry")
        }
        FormField {
            id: faqQuestion
            name: "faqQuestionField"
            Layout.fillWidth: true
            label: qsTr("Question")
            placeholderText: qsTr("e.g. When is breakfast?")
            enabled: page.canChange
            error: page.error("question")
        }
        FormField {
            id: faqAnswer
            name: "faqAnswerField"
            Layout.fillWidth: true
            label: qsTr("Answer")
            placeholderText: qsTr("e.g. From 7 to 10 in the garden room.")
            enabled: page.canChange
            error: page.error("answer")
            onAccepted: saveFaq.clicked()
        }
        FieldError {
            objectName: "faqFormError"
            text: page.error("")
        }
        RowLayout {
            spacing: 8

            SettingsButton {
                id: saveFaq
                objectName: "saveFaqButton"
                kind: "primary"
                text: page.editingId ? qsTr("Save changes") : qsTr("Add")
                enabled: page.canChange
                onClicked: {
                    if (page.editingId)
                        page.backend.settings.updateFaq(page.editingId, faqQuestion.text, faqAnswer.text);
                    else
                        page.backend.settings.addFaq(faqQuestion.text, faqAnswer.text);
                }
            }
            SettingsButton {
                objectName: "cancelFaqEditButton"
                visible: page.editingId > 0
                text: qsTr("Cancel")
                onClicked: {
                    page.backend.settings.clearFieldErrors("editFaq");
                    page.clearForm();
                }
            }
        }
    }

    ConfirmDialog {
        id: confirmRemove
        objectName: "removeFaqDialog"

        property var entryId
        property string question

        title: qsTr("Remove this FAQ entry?")
        message: qsTr("\"%1\" and its answer are removed; the assistant and the quick replies no longer use them.").arg(question)
        onConfirmed: {
            if (page.editingId === entryId)
                page.clearForm();
            page.backend.settings.removeFaq(entryId);
        }
    }
}
