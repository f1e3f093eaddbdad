pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// The open conversation's status: Resolve / Reopen, Waiting on guest, the snooze menu and, for
// a hotel room, Check out.
RowLayout {
    id: bar

    required property ConsoleController backend
    readonly property var details: bar.backend.details
    readonly property string status: bar.details.status ?? "open"

    signal checkOutRequested(string roomNumber)

    spacing: 6

    Label {
        objectName: "statusChip"
        visible: bar.status !== "open"
        text: bar.status === "snoozed" ? qsTr("Snoozed until %1").arg(Qt.formatDateTime(bar.details.snoozedUntil, "ddd HH:mm")) : bar.status === "pending" ? qsTr("Waiting on guest") : qsTr("Resolved")
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        color: bar.status === "resolved" ? Theme.success : Theme.noteText
        leftPadding: 8
        rightPadding: 8
        topPadding: 3
        bottomPadding: 3
        background: Rectangle {
            radius: 8
            color: bar.status === "resolved" ? Theme.resolved : Theme.note
        }
    }
    PillButton {
        objectName: "pendingButton"
        visible: bar.status === "open"
        text: qsTr("Waiting on guest")
        font.family: Theme.fontFamily
        onClicked: bar.backend.setStatus("pending")
    }
    PillButton {
        id: snoozeButton
        objectName: "snoozeButton"
        visible: bar.status !== "resolved"
        text: qsTr("Snooze")
        font.family: Theme.fontFamily
        onClicked: snoozeMenu.open()

        Menu {
            id: snoozeMenu
            objectName: "snoozeMenu"
            width: 300
            y: snoozeButton.height

            Repeater {
                model: [
                    { preset: "hour", label: qsTr("1 hour") },
                    { preset: "tonight", label: qsTr("Tonight") },
                    { preset: "morning", label: qsTr("Tomorrow morning") },
                    { preset: "checkout", label: qsTr("At check-out time") }
                ]

                MenuItem {
                    required property var modelData

                    objectName: "snooze-" + modelData.preset
                    text: modelData.label + "  ·  " + Qt.formatDateTime(bar.backend.snoozeTime(modelData.preset), "ddd HH:mm")
                    font.family: Theme.fontFamily
                    onTriggered: bar.backend.setStatus("snoozed", bar.backend.snoozeTime(modelData.preset))
                }
            }
            MenuSeparator {}
            MenuItem {
                objectName: "snooze-time"
                text: qsTr("At a time…")
                font.family: Theme.fontFamily
                onTriggered: snoozeTimeDialog.open()
            }
        }
    }
    PillButton {
        objectName: "resolveButton"
        text: bar.status === "resolved" || bar.status === "snoozed" ? qsTr("Reopen") : qsTr("Resolve")
        tone: bar.status !== "resolved" && bar.status !== "snoozed" ? "accent" : "plain"
        font.family: Theme.fontFamily
        onClicked: bar.backend.setStatus(bar.status === "resolved" || bar.status === "snoozed" ? "open" : "resolved")
    }
    PillButton {
        objectName: "checkOutButton"
        visible: (bar.details.kind ?? "") === "room" && !bar.details.archived && !!bar.details.roomNumber
        text: qsTr("Check out")
        font.family: Theme.fontFamily
        onClicked: bar.checkOutRequested(bar.details.roomNumber)
    }

    Dialog {
        id: snoozeTimeDialog
        objectName: "snoozeTimeDialog"
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Snooze until")
        standardButtons: Dialog.Ok | Dialog.Cancel
        onAccepted: {
            const when = Date.fromLocaleString(Qt.locale(), snoozeDate.text + " " + snoozeClock.text, "yyyy-MM-dd HH:mm");
            if (isNaN(when.getTime()) || when <= new Date())
                snoozeError.text = qsTr("Pick a time in the future, e.g. %1").arg(Qt.formatDateTime(bar.backend.snoozeTime("morning"), "yyyy-MM-dd HH:mm"));
            else
                bar.backend.setStatus("snoozed", when);
        }
        onOpened: {
            const next = bar.backend.snoozeTime("hour");
            snoozeDate.text = Qt.formatDate(next, "yyyy-MM-dd");
            snoozeClock.text = Qt.formatTime(next, "HH:mm");
            snoozeError.text = "";
        }

        ColumnLayout {
            spacing: 8
            RowLayout {
                TextField {
                    id: snoozeDate
                    objectName: "snoozeDate"
                    placeholderText: "yyyy-MM-dd"
                    font.family: Theme.fontFamily
                }
                TextField {
                    id: snoozeClock
                    objectName: "snoozeClock"
                    placeholderText: "HH:mm"
                    font.family: Theme.fontFamily
                }
            }
            Label {
                id: snoozeError
                visible: text.length > 0
                color: Theme.danger
                font.family: Theme.fontFamily
                font.pixelSize: Theme.small
            }
        }
    }
}
