import QtQml
import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// The whole console inside a window: the sign-in view until staff sign in, then the inbox, the
// open conversation and its details, with settings one click away.
Rectangle {
    id: view

    required property ConsoleController backend
    property date now: new Date()

    color: Theme.window

    Timer {
        interval: 30000
        running: true
        repeat: true
        onTriggered: view.now = new Date()
    }

    SignInView {
        anchors.fill: parent
        visible: !view.backend.signedIn
        backend: view.backend
    }

    ColumnLayout {
        anchors.fill: parent
        visible: view.backend.signedIn
        spacing: 0

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 52
            color: Theme.headerBackground

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 16
                anchors.rightMargin: 12
                spacing: 12

                Rectangle {
                    implicitWidth: 30
                    implicitHeight: 30
                    radius: 8
                    color: Theme.accent

                    Text {
                        anchors.centerIn: parent
                        text: "L"
                        color: Theme.textOnAccent
                        font.family: Theme.fontFamily
                        font.bold: true
                        font.pixelSize: 17
                    }
                }
                Label {
                    text: view.backend.siteName
                    color: Theme.textOnAccent
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.title
                    font.bold: true
                }
                Item {
                    Layout.fillWidth: true
                }
                Rectangle {
                    implicitWidth: 8
                    implicitHeight: 8
                    radius: 4
                    color: Theme.success
                }
                Label {
                    objectName: "serverStatus"
                    text: qsTr("Online · guests reach you at %1").arg(view.backend.publicUrl)
                    color: Theme.headerMutedText
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.small
                }
                ToolButton {
                    id: settingsButton
                    objectName: "settingsButton"
                    text: qsTr("Settings")
                    font.family: Theme.fontFamily
                    onClicked: settings.open()
                    contentItem: Row {
                        spacing: 6

                        Icon {
                            symbol: "settings"
                            size: 16
                            color: Theme.textOnAccent
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Text {
                            text: settingsButton.text
                            font: settingsButton.font
                            color: Theme.textOnAccent
                            anchors.verticalCenter: parent.verticalCenter
                        }
                    }
                    background: Rectangle {
                        radius: 6
                        color: settingsButton.down || settingsButton.hovered ? Theme.headerHover : "transparent"
                    }
                }
                ToolButton {
                    id: accountButton
                    objectName: "accountButton"
                    text: view.backend.staffName
                    font.family: Theme.fontFamily
                    onClicked: accountMenu.open()
                    contentItem: Text {
                        text: accountButton.text
                        font: accountButton.font
                        color: Theme.textOnAccent
                        verticalAlignment: Text.AlignVCenter
                    }
                    background: Rectangle {
                        radius: 6
                        color: accountButton.down || accountButton.hovered || accountMenu.opened ? Theme.headerHover : "transparent"
                    }

                    Menu {
                        id: accountMenu
                        y: parent.height

                        MenuItem {
                            objectName: "signOutItem"
                            text: qsTr("Sign out")
                            icon.source: "qrc:/icons/sign-out.svg"
                            onTriggered: view.backend.signOut()
                        }
                    }
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            InboxPane {
                objectName: "inboxPane"
                Layout.preferredWidth: 360
                Layout.fillHeight: true
                backend: view.backend
                now: view.now
            }
            ConversationPane {
                objectName: "conversationPane"
                Layout.fillWidth: true
                Layout.fillHeight: true
                backend: view.backend
            }
            DetailsPane {
                objectName: "detailsPane"
                visible: view.backend.currentConversationId > 0 && view.width > 900
                Layout.preferredWidth: 280
                Layout.fillHeight: true
                backend: view.backend
            }
        }
    }

    SettingsDialog {
        id: settings
        objectName: "settingsDialog"
        backend: view.backend
        anchors.centerIn: parent
        width: Math.min(view.width - 80, 820)
        height: Math.min(view.height - 80, 600)
    }

    Dialog {
        id: secretDialog
        objectName: "secretDialog"

        property string secret
        property string snippet

        anchors.centerIn: parent
        width: 560
        modal: true
        standardButtons: Dialog.Ok

        ColumnLayout {
            width: parent.width
            spacing: 10

            Label {
                Layout.fillWidth: true
                text: qsTr("Copy it now: it is not shown again.")
                wrapMode: Text.Wrap
                font.family: Theme.fontFamily
                color: Theme.mutedText
            }
            RowLayout {
                Layout.fillWidth: true

                TextField {
                    objectName: "secretText"
                    Layout.fillWidth: true
                    readOnly: true
                    text: secretDialog.secret
                    font.family: Theme.monospaceFontFamily
                    selectByMouse: true
                }
                Button {
                    objectName: "copySecretButton"
                    text: qsTr("Copy")
                    icon.source: "qrc:/icons/copy.svg"
                    onClicked: view.backend.copyToClipboard(secretDialog.secret)
                }
            }
            Label {
                Layout.fillWidth: true
                visible: secretDialog.snippet.length > 0
                text: qsTr("Paste this line into every page of the website that should show the chat:")
                wrapMode: Text.Wrap
                font.family: Theme.fontFamily
                color: Theme.mutedText
            }
            RowLayout {
                Layout.fillWidth: true
                visible: secretDialog.snippet.length > 0

                TextArea {
                    objectName: "snippetText"
                    Layout.fillWidth: true
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.WrapAnywhere
                    textFormat: TextEdit.PlainText
                    text: secretDialog.snippet
                    font.family: Theme.monospaceFontFamily
                    font.pixelSize: Theme.small + 1
                }
                Button {
                    objectName: "copySnippetButton"
                    text: qsTr("Copy")
                    icon.source: "qrc:/icons/copy.svg"
                    onClicked: view.backend.copyToClipboard(secretDialog.snippet)
                }
            }
        }
    }

    // Short messages at the bottom: what changed, or what went wrong.
    Rectangle {
        id: toast

        property alias text: toastText.text
        property bool error: false

        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 24
        width: Math.min(toastText.implicitWidth + 32, view.width - 48)
        height: toastText.implicitHeight + 20
        radius: 10
        color: toast.error ? Theme.danger : Theme.headerBackground
        opacity: toastTimer.running ? 0.95 : 0
        visible: opacity > 0

        Behavior on opacity {
            NumberAnimation {
                duration: 200
            }
        }
        Text {
            id: toastText
            anchors.centerIn: parent
            width: Math.min(implicitWidth, view.width - 80)
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            color: Theme.textOnAccent
            font.family: Theme.fontFamily
        }
        Timer {
            id: toastTimer
            interval: 4000
        }
    }

    Connections {
        target: view.backend

        function onNotice(text, error) {
            toast.text = text;
            toast.error = error;
            toastTimer.restart();
        }
    }
    Connections {
        target: view.backend.settings

        function onSecretCreated(title, secret, snippet) {
            secretDialog.title = title;
            secretDialog.secret = secret;
            secretDialog.snippet = snippet;
            secretDialog.open();
        }
    }
}
