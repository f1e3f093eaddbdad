pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Settings, Server: the address guests reach Lobby at, every room's guest page, the line a
// website pastes, and how many phones and browsers are connected.
SettingsPage {
    id: page

    SettingsCard {
        SectionLabel {
            text: qsTr("Guests reach Lobby at")
        }
        CopyableText {
            objectName: "publicUrl"
            backend: page.backend
            text: page.backend.publicUrl
        }
        MutedText {
            Layout.fillWidth: true
            text: qsTr("Phones and websites must be able to open this address.")
        }
        MutedText {
            objectName: "listenAddress"
            Layout.fillWidth: true
            // An address is never broken across lines.
            wrapMode: Text.NoWrap
            elide: Text.ElideMiddle
            text: qsTr("Lobby itself listens on %1").arg(page.backend.serverUrl)
        }
    }

    SettingsCard {
        SectionLabel {
            text: qsTr("Guest pages of the rooms")
        }
        MutedText {
            Layout.fillWidth: true
            visible: page.backend.settings.rooms.count === 0
            text: qsTr("No rooms yet: add them under Rooms.")
        }
        Repeater {
            model: page.backend.settings.rooms

            RowLayout {
                id: roomLink

                required property string number
                required property string guestUrl

                Layout.fillWidth: true
                spacing: 12

                Label {
                    Layout.preferredWidth: 80
                    text: qsTr("Room %1").arg(roomLink.number)
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.body
                    color: Theme.text
                }
                CopyableText {
                    objectName: "guestLink-" + roomLink.number
                    backend: page.backend
                    text: roomLink.guestUrl
                }
            }
        }
    }

    SettingsCard {
        SectionLabel {
            text: qsTr("Chat on your website")
        }
        MutedText {
            Layout.fillWidth: true
            text: qsTr("Paste this line into every page of your website, with a key from Website chat in place of the capital letters (a key is shown with the whole line when it is created).")
        }
        CopyableText {
            objectName: "widgetSnippet"
            backend: page.backend
            text: page.backend.settings.widgetSnippet("")
        }
    }

    SettingsCard {
        SectionLabel {
            text: qsTr("Connected right now")
        }
        Label {
            objectName: "connectionCount"
            text: page.backend.openConnections === 1 ? qsTr("1 phone, browser or app") : qsTr("%1 phones, browsers or apps").arg(page.backend.openConnections)
            font.family: Theme.fontFamily
            font.pixelSize: Theme.body
            color: Theme.text
        }
    }
}
