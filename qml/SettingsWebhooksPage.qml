pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Webhooks: the address another system gave the hotel for Lobby's channel events
// (Pusher webhooks), and whether they get there. Only an admin changes the address; everyone
// sees how delivery goes.
SettingsPage {
    id: tab

    readonly property var webhook: tab.backend.settings.webhook
    readonly property string currentUrl: webhook.url ?? ""
    // The address last sent to be saved: its error shows while that address is in the field.
    property string submittedUrl
    // Re-evaluates "in 2 minutes" while the tab is open.
    property date now: new Date()

    // A saved address leaves the field for the next one.
    onCurrentUrlChanged: {
        if (submittedUrl && !tab.backend.settings.webhookError) {
            urlField.clear();
            submittedUrl = "";
        }
    }

    function whenText(at: date): string {
        const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
        if (seconds <= 5)
            return qsTr("any moment now");
        if (seconds < 90)
            return qsTr("in %1 seconds").arg(seconds);
        if (seconds < 90 * 60)
            return qsTr("in %1 minutes").arg(Math.round(seconds / 60));
        return qsTr("at %1").arg(at.toLocaleTimeString(Qt.locale(), Locale.ShortFormat));
    }
    function statusText(): string {
        const waiting = webhook.waitingBatches ?? 0;
        if (waiting === 0)
            return currentUrl ? qsTr("Everything has been delivered.") : qsTr("Nothing is waiting to be sent.");
        const count = waiting === 1 ? qsTr("1 batch of events is waiting.") : qsTr("%1 batches of events are waiting.").arg(waiting);
        if ((webhook.failedAttempts ?? 0) === 0)
            return count + " " + qsTr("The next one goes out %1.").arg(whenText(webhook.nextAttemptAt));
        const tries = webhook.failedAttempts === 1 ? qsTr("1 try") : qsTr("%1 tries").arg(webhook.failedAttempts);
        return count + " " + qsTr("The other system has not accepted them yet (%1, last answer: %2). Lobby tries again %3.").arg(tries).arg(webhook.lastError || qsTr("none")).arg(whenText(webhook.nextAttemptAt));
    }

    Timer {
        interval: 5000
        running: tab.visible && tab.backend.signedIn
        repeat: true
        triggeredOnStart: true
        onTriggered: {
            tab.now = new Date();
            tab.backend.settings.refreshWebhook();
        }
    }

    MutedText {
        Layout.fillWidth: true
        text: qsTr("Lobby can tell another system, such as a booking engine or your website, when a guest opens or leaves a chat, who is in it and what their devices send. That system gives you an address; Lobby sends the events there, signed with your app key, and keeps them for up to a day while that system does not answer.")
    }

    SettingsCard {
        SectionLabel {
            text: qsTr("Events go to")
        }
        Label {
            objectName: "webhookUrl"
            Layout.fillWidth: true
            text: tab.currentUrl || qsTr("Nowhere: no address is set.")
            textFormat: Text.PlainText
            elide: Text.ElideMiddle
            font.family: tab.currentUrl ? Theme.monospaceFontFamily : Theme.fontFamily
            font.pixelSize: Theme.body
            color: tab.currentUrl ? Theme.text : Theme.mutedText
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            SettingsTextField {
                id: urlField
                objectName: "webhookField"
                Layout.fillWidth: true
                enabled: tab.canChange
                placeholderText: tab.currentUrl ? qsTr("New address, e.g. https://booking.example.com/lobby-events") : qsTr("Address, e.g. https://booking.example.com/lobby-events")
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                error: webhookError.text
                onAccepted: saveButton.clicked()
            }
            SettingsButton {
                id: saveButton
                objectName: "saveWebhookButton"
                kind: "primary"
                text: tab.currentUrl ? qsTr("Replace") : qsTr("Save")
                enabled: tab.canChange && urlField.text.trim().length > 0
                onClicked: {
                    tab.submittedUrl = urlField.text;
                    tab.backend.settings.setWebhook(urlField.text);
                }
            }
            SettingsButton {
                objectName: "removeWebhookButton"
                kind: "danger"
                text: qsTr("Remove")
                enabled: tab.canChange && tab.currentUrl.length > 0
                onClicked: confirmRemove.open()
            }
        }
        FieldError {
            id: webhookError
            objectName: "webhookError"
            text: tab.backend.settings.webhookError && urlField.text === tab.submittedUrl ? tab.backend.settings.webhookError : ""
        }
        MutedText {
            Layout.fillWidth: true
            visible: !tab.canChange
            text: qsTr("Only an admin can change where events go.")
        }
    }

    SettingsCard {
        SectionLabel {
            text: qsTr("Delivery")
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            Rectangle {
                Layout.alignment: Qt.AlignTop
                Layout.topMargin: 4
                implicitWidth: 10
                implicitHeight: 10
                radius: 5
                color: (tab.webhook.failedAttempts ?? 0) > 0 ? Theme.danger : (tab.webhook.waitingBatches ?? 0) > 0 ? Theme.warning : tab.currentUrl ? Theme.success : Theme.faintText
            }
            Label {
                objectName: "webhookStatus"
                Layout.fillWidth: true
                text: tab.statusText()
                color: Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.body
                wrapMode: Text.WordWrap
                textFormat: Text.PlainText
            }
        }
    }

    ConfirmDialog {
        id: confirmRemove
        objectName: "removeWebhookDialog"

        title: qsTr("Stop sending channel events?")
        message: qsTr("Lobby stops sending events to %1, and events still waiting for it are dropped.").arg(tab.currentUrl)
        cancelText: qsTr("Keep it")
        onConfirmed: tab.backend.settings.removeWebhook()
    }
}
