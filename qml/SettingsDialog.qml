pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Settings: a list of pages on the left, the chosen page on the right, a close button; the rest
// of the console is dimmed while it is open. Changes need an admin.
//
// The page contract. A page is one QML file of this module, listed once in `pages` below as
// { title: qsTr("…"), source: "SomethingPage.qml" }. The shell creates it the first time it is
// shown (and keeps it, so a half-filled form survives switching pages) with one property:
//   required property ConsoleController backend   // backend.settings is the SettingsController
// A page fills the area it is given (the shell adds the margins and the page title), scrolls
// its own content if it can be long (SettingsPage does both), and asks before destructive
// actions with ConfirmDialog. The page list entries are named "settingsTab-<index>".
Dialog {
    id: dialog

    required property ConsoleController backend

    // One line per page, in the order of the list.
    readonly property var pages: [
        {
            title: qsTr("Rooms"),
            source: "SettingsRoomsPage.qml"
        },
        {
            title: qsTr("Website chat"),
            source: "SettingsWebsiteKeysPage.qml"
        },
        {
            title: qsTr("Staff"),
            source: "SettingsStaffPage.qml"
        },
        {
            title: qsTr("FAQ"),
            source: "SettingsFaqPage.qml"
        },
        {
            title: qsTr("Server"),
            source: "SettingsServerPage.qml"
        },
        {
            title: qsTr("Webhooks"),
            source: "SettingsWebhooksPage.qml"
        },
        {
            title: qsTr("Canned replies"),
            source: "CannedRepliesPage.qml"
        },
        {
            title: qsTr("Hours & texts"),
            source: "HoursPage.qml"
        }
    ]
    property int currentPage: 0

    modal: true
    dim: true
    padding: 0
    closePolicy: Popup.CloseOnEscape
    font.family: Theme.fontFamily

    Overlay.modal: Rectangle {
        color: Theme.scrim
    }
    background: Rectangle {
        radius: Theme.radius
        color: Theme.window
        border.color: Theme.border
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // ---- the list of pages
        Rectangle {
            Layout.preferredWidth: 190
            Layout.fillHeight: true
            color: Theme.surface
            radius: Theme.radius

            // Square off the corners next to the page.
            Rectangle {
                anchors.right: parent.right
                width: Theme.radius
                height: parent.height
                color: Theme.surface
            }
            Rectangle {
                anchors.right: parent.right
                width: 1
                height: parent.height
                color: Theme.border
            }

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 12
                spacing: 2

                Label {
                    Layout.leftMargin: 10
                    Layout.topMargin: 6
                    Layout.bottomMargin: 10
                    text: qsTr("Settings")
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.heading
                    font.bold: true
                    color: Theme.text
                }
                Repeater {
                    model: dialog.pages

                    ItemDelegate {
                        id: pageEntry

                        required property var modelData
                        required property int index

                        objectName: "settingsTab-" + index
                        Layout.fillWidth: true
                        text: modelData.title
                        checked: dialog.currentPage === index
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        leftPadding: 12
                        onClicked: dialog.currentPage = index
                        contentItem: Label {
                            text: pageEntry.text
                            font: pageEntry.font
                            color: pageEntry.checked ? Theme.accent : Theme.text
                            verticalAlignment: Text.AlignVCenter
                            elide: Text.ElideRight
                        }
                        background: Rectangle {
                            implicitHeight: 36
                            radius: Theme.radius - 4
                            color: pageEntry.checked ? Theme.selected : pageEntry.hovered ? Theme.hover : "transparent"
                        }
                    }
                }
                Item {
                    Layout.fillHeight: true
                }
                MutedText {
                    Layout.fillWidth: true
                    Layout.leftMargin: 10
                    visible: !dialog.backend.admin
                    text: qsTr("Only an admin can change settings.")
                }
            }
        }

        // ---- the page
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 28
                Layout.rightMargin: 12
                Layout.topMargin: 12
                spacing: 8

                Label {
                    objectName: "settingsPageTitle"
                    Layout.fillWidth: true
                    text: dialog.pages[dialog.currentPage].title
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.heading
                    font.bold: true
                    color: Theme.text
                    elide: Text.ElideRight
                }
                ToolButton {
                    id: closeButton
                    objectName: "settingsCloseButton"
                    Accessible.name: qsTr("Close settings")
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Close")
                    onClicked: dialog.close()
                    contentItem: Item {
                        implicitWidth: 20
                        implicitHeight: 20

                        Icon {
                            anchors.centerIn: parent
                            symbol: "close"
                            size: 18
                            color: Theme.mutedText
                        }
                    }
                    background: Rectangle {
                        implicitWidth: 36
                        implicitHeight: 36
                        radius: 18
                        color: closeButton.hovered ? Theme.hover : "transparent"
                    }
                }
            }
            StackLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                currentIndex: dialog.currentPage

                Repeater {
                    model: dialog.pages

                    Loader {
                        id: pageLoader

                        required property var modelData
                        required property int index
                        // Made the first time it is shown, then kept.
                        readonly property bool wanted: dialog.currentPage === index

                        function load() {
                            if (wanted && status === Loader.Null)
                                setSource(Qt.resolvedUrl(modelData.source), {
                                    "backend": dialog.backend
                                });
                        }

                        onWantedChanged: load()
                        Component.onCompleted: load()
                    }
                }
            }
        }
    }
}
