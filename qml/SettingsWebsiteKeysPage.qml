pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Website chat: one key per website that shows the chat. A new key is shown once
// with the line to paste; revoking one (after a question) stops that website's chat.
SettingsPage {
    id: page

    readonly property var errors: page.backend.settings.fieldErrors

    Connections {
        target: page.backend.settings
        function onFormSaved(form: string) {
            if (form === "key")
                keyLabel.clear();
        }
    }

    MutedText {
        Layout.fillWidth: true
        text: qsTr("Each website that shows the chat needs a key. A new key is shown once, together with the line to paste into the website's pages; after that only its first letters are kept here.")
    }

    SettingsCard {
        SectionLabel {
            text: qsTr("New website key")
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            FormField {
                id: keyLabel
                name: "keyLabelField"
                Layout.fillWidth: true
                placeholderText: qsTr("Which website, e.g. Hotel website")
                enabled: page.canChange
                error: page.errors["key/label"] ?? page.errors["key/"] ?? ""
                onAccepted: createKey.clicked()
            }
            SettingsButton {
                id: createKey
                objectName: "createKeyButton"
                Layout.alignment: Qt.AlignTop
                kind: "primary"
                text: qsTr("Create website key")
                enabled: page.canChange && keyLabel.text.trim().length > 0
                onClicked: page.backend.settings.createApiKey(keyLabel.text)
            }
        }
    }

    SettingsCard {
        spacing: 0

        SectionLabel {
            Layout.bottomMargin: 8
            text: qsTr("Keys")
        }
        MutedText {
            visible: page.backend.settings.apiKeys.count === 0
            text: qsTr("No website keys yet.")
        }
        Repeater {
            model: page.backend.settings.apiKeys

            RowLayout {
                id: keyRow

                required property int index
                required property var id
                required property string label
                required property string prefix
                required property bool revoked

                Layout.fillWidth: true
                Layout.topMargin: 4
                Layout.bottomMargin: 4
                spacing: 12

                Label {
                    Layout.fillWidth: true
                    text: keyRow.label
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.body
                    font.strikeout: keyRow.revoked
                    color: keyRow.revoked ? Theme.mutedText : Theme.text
                }
                Label {
                    text: keyRow.prefix + "…"
                    font.family: Theme.monospaceFontFamily
                    font.pixelSize: Theme.small
                    color: Theme.mutedText
                }
                SettingsButton {
                    objectName: "revokeKey-" + keyRow.index
                    kind: "danger"
                    text: keyRow.revoked ? qsTr("Revoked") : qsTr("Revoke")
                    enabled: page.canChange && !keyRow.revoked
                    onClicked: {
                        confirmRevoke.keyId = keyRow.id;
                        confirmRevoke.label = keyRow.label;
                        confirmRevoke.open();
                    }
                }
            }
        }
    }

    ConfirmDialog {
        id: confirmRevoke
        objectName: "revokeKeyDialog"

        property var keyId
        property string label

        title: qsTr("Revoke the key \"%1\"?").arg(label)
        message: qsTr("The chat stops working on the website that uses this key until it gets a new one.")
        confirmText: qsTr("Revoke")
        onConfirmed: page.backend.settings.revokeApiKey(keyId)
    }
}
