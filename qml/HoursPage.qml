pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Hours & texts: when the desk is open (per weekday, and dates that differ), what a
// guest or visitor is told while it is closed, the night desk, and the texts and values the
// chat widget, the guest page and canned replies use. The backend checks everything
// (ChatService::updateSiteSettings) and says what it refused. Only an admin changes them.
ScrollView {
    id: page

    required property ConsoleController backend

    readonly property bool canChange: backend.admin
    readonly property var settings: backend.replies.siteSettings
    readonly property var days: [
        { key: "mon", name: qsTr("Monday") }, { key: "tue", name: qsTr("Tuesday") },
        { key: "wed", name: qsTr("Wednesday") }, { key: "thu", name: qsTr("Thursday") },
        { key: "fri", name: qsTr("Friday") }, { key: "sat", name: qsTr("Saturday") },
        { key: "sun", name: qsTr("Sunday") }]
    // Each weekday's intervals as typed ("07:00-12:00, 14:00-22:00"), by key.
    property var dayTexts: ({})

    // The stored settings into the fields.
    function load() {
        const hours = page.settings.hours ?? {};
        const texts = {};
        for (const day of page.days)
            texts[day.key] = (hours[day.key] ?? []).join(", ");
        page.dayTexts = texts;
        const exceptions = hours.exceptions ?? {};
        exceptionsField.text = Object.keys(exceptions).sort().map(date => date + ": " + (exceptions[date].length ? exceptions[date].join(", ") : qsTr("closed"))).join("\n");
        hoursEnabled.checked = Object.keys(hours).length > 0;
        for (const field of [timeZoneField, awayField, greetingField, nameField, wifiField, checkoutField])
            field.text = page.settings[field.settingName] ?? "";
        const nightDesk = page.settings.night_desk_account_id ?? 0;
        nightDeskBox.currentIndex = Math.max(0, nightDeskBox.ids.indexOf(nightDesk));
    }
    function intervals(text: string): var {
        return text.split(",").map(part => part.trim()).filter(part => part.length > 0);
    }
    // The fields as ChatService's setting names.
    function changes(): var {
        let hours = null;
        if (hoursEnabled.checked) {
            hours = { exceptions: {} };
            for (const day of page.days)
                hours[day.key] = page.intervals(page.dayTexts[day.key] ?? "");
            for (const line of exceptionsField.text.split("\n")) {
                const colon = line.indexOf(":");
                if (line.trim().length === 0)
                    continue;
                const date = (colon < 0 ? line : line.slice(0, colon)).trim();
                const rest = colon < 0 ? "" : line.slice(colon + 1).trim();
                hours.exceptions[date] = rest.toLowerCase() === qsTr("closed") || rest.length === 0 ? [] : page.intervals(rest);
            }
        }
        const result = { hours: hours, night_desk_account_id: nightDeskBox.ids[nightDeskBox.currentIndex] ?? 0 };
        for (const field of [timeZoneField, awayField, greetingField, nameField, wifiField, checkoutField])
            result[field.settingName] = field.text;
        return result;
    }

    contentWidth: availableWidth
    clip: true
    Component.onCompleted: page.load()
    onSettingsChanged: page.load()

    component SectionLabel: Label {
        Layout.topMargin: 6
        font.family: Theme.fontFamily
        font.pixelSize: Theme.title
        font.bold: true
        color: Theme.text
    }
    component Muted: Label {
        Layout.fillWidth: true
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        color: Theme.mutedText
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }
    component SettingField: TextField {
        property string settingName
        Layout.fillWidth: true
        enabled: page.canChange
        font.family: Theme.fontFamily
    }

    ColumnLayout {
        width: page.availableWidth
        spacing: 8

        Label {
            objectName: "deskStatus"
            text: !hoursEnabled.checked || page.settings.open ? qsTr("The desk is open now.") : qsTr("The desk is closed now. %1.").arg(page.settings.backAt)
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            color: page.settings.open === false ? Theme.warning : Theme.success
        }

        SectionLabel {
            text: qsTr("Opening hours")
        }
        CheckBox {
            id: hoursEnabled
            objectName: "hoursEnabled"
            text: qsTr("The desk has opening hours (otherwise it counts as always open)")
            enabled: page.canChange
        }
        GridLayout {
            columns: 2
            Layout.fillWidth: true
            enabled: hoursEnabled.checked && page.canChange
            Repeater {
                model: page.days
                delegate: Label {
                    required property var modelData
                    required property int index
                    Layout.row: index
                    Layout.column: 0
                    text: modelData.name
                    font.family: Theme.fontFamily
                }
            }
            Repeater {
                model: page.days
                delegate: TextField {
                    required property var modelData
                    required property int index
                    objectName: "hours-" + modelData.key
                    Layout.row: index
                    Layout.column: 1
                    Layout.fillWidth: true
                    placeholderText: qsTr("closed  (or e.g. 07:00-12:00, 14:00-23:00)")
                    text: page.dayTexts[modelData.key] ?? ""
                    onTextEdited: {
                        const texts = Object.assign({}, page.dayTexts);
                        texts[modelData.key] = text;
                        page.dayTexts = texts;
                    }
                }
            }
        }
        Muted {
            text: qsTr("Dates that differ, one a line: \"2026-12-25: closed\" or \"2026-12-31: 07:00-18:00\". An interval may run past midnight (18:00-02:00).")
        }
        TextArea {
            id: exceptionsField
            objectName: "hoursExceptions"
            Layout.fillWidth: true
            Layout.preferredHeight: 60
            enabled: hoursEnabled.checked && page.canChange
            font.family: Theme.fontFamily
            background: Rectangle {
                radius: 6
                border.color: Theme.border
            }
        }
        Label {
            text: qsTr("Time zone (as on a map of zones, e.g. Europe/Dublin; empty: UTC)")
            font.family: Theme.fontFamily
        }
        SettingField {
            id: timeZoneField
            objectName: "timeZoneField"
            settingName: "time_zone"
            placeholderText: "Europe/Dublin"
        }

        SectionLabel {
            text: qsTr("While the desk is closed")
        }
        Muted {
            text: qsTr("A guest or website visitor who writes gets this message once per closed period, followed by when the desk opens again (\"We're back at 7:00 tomorrow.\"). The FAQ assistant still answers what it can.")
        }
        SettingField {
            id: awayField
            objectName: "awayMessageField"
            settingName: "away_message"
            placeholderText: qsTr("Thanks for your message! Our desk is closed right now.")
        }
        Label {
            text: qsTr("Night desk: room guests who write while closed go to")
            font.family: Theme.fontFamily
        }
        ComboBox {
            id: nightDeskBox
            objectName: "nightDeskBox"
            // 0 (nobody), then the staff accounts' ids, in the order of `model`'s names.
            property var ids: [0]
            Layout.preferredWidth: 320
            enabled: page.canChange
            model: {
                const names = [qsTr("Nobody: they get the away message")];
                const ids = [0];
                const staff = page.backend.settings.staffAccounts;
                for (let i = 0; i < staff.count; ++i) {
                    names.push(staff.get(i).name);
                    ids.push(staff.get(i).id);
                }
                nightDeskBox.ids = ids;
                return names;
            }
        }

        SectionLabel {
            text: qsTr("Texts and values")
        }
        Label {
            text: qsTr("Name on the chat widget and the guest page (empty: the site's name)")
            font.family: Theme.fontFamily
        }
        SettingField {
            id: nameField
            objectName: "displayNameField"
            settingName: "display_name"
        }
        Label {
            text: qsTr("Greeting (the widget's first bubble and the guest page's welcome)")
            font.family: Theme.fontFamily
        }
        SettingField {
            id: greetingField
            objectName: "greetingField"
            settingName: "greeting"
        }
        RowLayout {
            Layout.fillWidth: true
            ColumnLayout {
                Layout.fillWidth: true
                Label {
                    text: qsTr("Wi-Fi password ({{wifi}})")
                    font.family: Theme.fontFamily
                }
                SettingField {
                    id: wifiField
                    objectName: "wifiField"
                    settingName: "wifi"
                }
            }
            ColumnLayout {
                Layout.fillWidth: true
                Label {
                    text: qsTr("Check-out time ({{checkout_time}})")
                    font.family: Theme.fontFamily
                }
                SettingField {
                    id: checkoutField
                    objectName: "checkoutField"
                    settingName: "checkout_time"
                    placeholderText: "11:00"
                }
            }
        }
        Button {
            objectName: "saveHoursButton"
            text: qsTr("Save")
            enabled: page.canChange
            onClicked: page.backend.replies.updateSiteSettings(page.changes())
        }
    }
}
