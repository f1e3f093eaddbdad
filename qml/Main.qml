import QtQuick
import Lobby.Backend
import QtQuick.Controls

ApplicationWindow {
    id: window

    // The console's backend (app/ConsoleController): models and staff actions.
    required property ConsoleController backend

    width: 1280
    height: 800
    minimumWidth: 800
    minimumHeight: 520
    visible: true
    title: window.backend.inbox.totalUnread > 0 ? qsTr("(%1) Lobby").arg(window.backend.inbox.totalUnread) : qsTr("Lobby")

    ConsoleView {
        anchors.fill: parent
        backend: window.backend
    }
}
