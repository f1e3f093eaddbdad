pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Staff: who signs in to the console. One form adds an account or, after Edit on a
// row, changes that one (an empty password keeps the old one); Remove asks first.
SettingsPage {
    id: page

    // The account being edited (0: the form adds a new one).
    property real editingId: 0
    readonly property string form: editingId > 0 ? "editStaff" : "staff"
    readonly property var errors: page.backend.settings.fieldErrors
    readonly property var signedIn: page.backend.staff

    function error(field: string): string {
        return page.errors[page.form + "/" + field] ?? "";
    }
    function clearForm() {
        editingId = 0;
        staffName.clear();
        staffEmail.clear();
        staffPassword.clear();
        staffJob.clear();
        staffAdmin.checked = false;
    }
    function edit(account: var) {
        page.backend.settings.clearFieldErrors("staff");
        page.backend.settings.clearFieldErrors("editStaff");
        editingId = account.id;
        staffName.text = account.name;
        staffEmail.text = account.email;
        staffPassword.clear();
        staffJob.text = account.jobTitle;
        staffAdmin.checked = account.admin;
        page.reveal(formCard);
        staffName.input.forceActiveFocus();
    }
    function save() {
        if (editingId)
            page.backend.settings.updateStaff(editingId, staffName.text, staffEmail.text, staffPassword.text, staffAdmin.checked, staffJob.text);
        else
            page.backend.settings.addStaff(staffName.text, staffEmail.text, staffPassword.text, staffAdmin.checked, staffJob.text);
    }

    Connections {
        target: page.backend.settings
        function onFormSaved(form: string) {
            if (form === "staff" || form === "editStaff")
                page.clearForm();
        }
    }

    SettingsCard {
        spacing: 0

        SectionLabel {
            Layout.bottomMargin: 8
            text: qsTr("People who sign in")
        }
        Repeater {
            model: page.backend.settings.staffAccounts

            RowLayout {
                id: staffRow

                required property var id
                required property string name
                required property string email
                required property string jobTitle
                required property bool admin

                Layout.fillWidth: true
                Layout.topMargin: 5
                Layout.bottomMargin: 5
                spacing: 12

                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 1

                    Label {
                        Layout.fillWidth: true
                        text: staffRow.name + (staffRow.admin ? " · " + qsTr("admin") : "")
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        font.bold: true
                        color: Theme.text
                    }
                    MutedText {
                        Layout.fillWidth: true
                        text: staffRow.jobTitle.length > 0 ? staffRow.jobTitle + " · " + staffRow.email : staffRow.email
                        wrapMode: Text.NoWrap
                        elide: Text.ElideRight
                    }
                }
                SettingsButton {
                    objectName: "editStaff-" + staffRow.email
                    text: qsTr("Edit")
                    enabled: page.canChange
                    onClicked: page.edit(staffRow)
                }
                SettingsButton {
                    objectName: "removeStaff-" + staffRow.email
                    kind: "danger"
                    text: qsTr("Remove")
                    // Nobody removes their own account: a site always keeps an admin.
                    enabled: page.canChange && staffRow.id !== page.signedIn.id
                    onClicked: {
                        confirmRemove.accountId = staffRow.id;
                        confirmRemove.name = staffRow.name;
                        confirmRemove.open();
                    }
                }
            }
        }
    }

    SettingsCard {
        id: formCard
        objectName: "staffForm"

        SectionLabel {
            text: page.editingId ? qsTr("Change %1's account").arg(staffName.text) : qsTr("Add someone")
        }
        GridLayout {
            Layout.fillWidth: true
            columns: 2
            columnSpacing: 12
            rowSpacing: 6

            FormField {
                id: staffName
                Layout.preferredWidth: 1 // the two columns share the width equally
                name: "staffNameField"
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                label: qsTr("Name")
                enabled: page.canChange
                error: page.error("name")
            }
            FormField {
                id: staffEmail
                Layout.preferredWidth: 1 // the two columns share the width equally
                name: "staffEmailField"
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                label: qsTr("Email (to sign in)")
                inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
                enabled: page.canChange
                error: page.error("email")
            }
            FormField {
                id: staffPassword
                Layout.preferredWidth: 1 // the two columns share the width equally
                name: "staffPasswordField"
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                label: page.editingId ? qsTr("New password (empty: keep it)") : qsTr("Password")
                placeholderText: qsTr("At least 8 characters")
                echoMode: TextInput.Password
                enabled: page.canChange
                error: page.error("password")
            }
            FormField {
                id: staffJob
                Layout.preferredWidth: 1 // the two columns share the width equally
                name: "staffJobField"
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                label: qsTr("Job title (guests see it)")
                placeholderText: qsTr("e.g. Receptionist")
                enabled: page.canChange
            }
        }
        CheckBox {
            id: staffAdmin
            objectName: "staffAdminCheck"
            text: qsTr("Admin: may change settings")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            enabled: page.canChange
        }
        FieldError {
            objectName: "staffFormError"
            text: page.error("")
        }
        RowLayout {
            spacing: 8

            SettingsButton {
                objectName: "saveStaffButton"
                kind: "primary"
                text: page.editingId ? qsTr("Save changes") : qsTr("Add staff")
                enabled: page.canChange
                onClicked: page.save()
            }
            SettingsButton {
                objectName: "cancelStaffEditButton"
                visible: page.editingId > 0
                text: qsTr("Cancel")
                onClicked: {
                    page.backend.settings.clearFieldErrors("editStaff");
                    page.clearForm();
                }
            }
        }
    }

    ConfirmDialog {
        id: confirmRemove
        objectName: "removeStaffDialog"

        property var accountId
        property string name

        title: qsTr("Remove %1?").arg(name)
        message: qsTr("%1 can no longer sign in to the console. Conversations they were handling go back to the whole desk; their past messages stay.").arg(name)
        onConfirmed: {
            if (page.editingId === accountId)
                page.clearForm();
            page.backend.settings.removeStaff(accountId);
        }
    }
}
