import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Staff sign in with email and password before the inbox opens.
Rectangle {
    id: view

    required property ConsoleController backend

    color: Theme.window

    // A password never stays in the form: not after a failed attempt, not after signing out
    // (the next person at the desk would be one click away from the last one's account).
    Connections {
        target: view.backend

        function onSignInErrorChanged() {
            if (view.backend.signInError.length > 0)
                password.clear();
        }
        function onSignedInChanged() {
            password.clear();
            if (!view.backend.signedIn)
                password.forceActiveFocus();
        }
    }

    Rectangle {
        anchors.centerIn: parent
        width: 380
        height: form.implicitHeight + 64
        radius: 16
        color: Theme.surface
        border.color: Theme.border

        ColumnLayout {
            id: form
            anchors.fill: parent
            anchors.margins: 32
            spacing: 12

            Rectangle {
                Layout.alignment: Qt.AlignHCenter
                implicitWidth: 56
                implicitHeight: 56
                radius: 16
                color: Theme.accent

                Text {
                    anchors.centerIn: parent
                    text: "L"
                    color: Theme.textOnAccent
                    font.family: Theme.fontFamily
                    font.pixelSize: 30
                    font.bold: true
                }
            }
            Label {
                Layout.alignment: Qt.AlignHCenter
                text: qsTr("Sign in to Lobby")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.heading
                font.bold: true
                color: Theme.text
            }
            Label {
                Layout.alignment: Qt.AlignHCenter
                text: qsTr("The front desk inbox")
                font.family: Theme.fontFamily
                color: Theme.mutedText
                Layout.bottomMargin: 8
            }
            TextField {
                id: email
                objectName: "emailField"
                Layout.fillWidth: true
                placeholderText: qsTr("Email")
                font.family: Theme.fontFamily
                inputMethodHints: Qt.ImhEmailCharactersOnly
                focus: true
                onAccepted: password.forceActiveFocus()
            }
            TextField {
                id: password
                objectName: "passwordField"
                Layout.fillWidth: true
                placeholderText: qsTr("Password")
                font.family: Theme.fontFamily
                echoMode: TextInput.Password
                onAccepted: signInButton.clicked()
            }
            Label {
                objectName: "signInError"
                Layout.fillWidth: true
                visible: view.backend.signInError.length > 0
                text: view.backend.signInError
                wrapMode: Text.Wrap
                color: Theme.danger
                font.family: Theme.fontFamily
            }
            Button {
                id: signInButton
                objectName: "signInButton"
                Layout.fillWidth: true
                Layout.topMargin: 4
                text: view.backend.busy ? qsTr("Signing in…") : qsTr("Sign in")
                enabled: !view.backend.busy && email.text.length > 0 && password.text.length > 0
                font.family: Theme.fontFamily
                font.bold: true
                onClicked: view.backend.signIn(email.text, password.text)
                contentItem: Text {
                    text: signInButton.text
                    font: signInButton.font
                    color: Theme.textOnAccent
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
                background: Rectangle {
                    implicitHeight: 40
                    radius: 10
                    color: signInButton.enabled ? Theme.accent : Theme.accentDisabled
                }
            }
        }
    }
}
