pragma ComponentBehavior: Bound

import QtQuick
import Lobby.Backend
import QtQuick.Controls
import QtQuick.Layouts

// Who is in the open conversation and what staff can do with it: assign, take over, archive.
Rectangle {
    id: pane

    required property ConsoleController backend
    readonly property var details: pane.backend.details

    color: Theme.surface

    Rectangle {
        width: 1
        height: parent.height
        color: Theme.border
    }

    component Caption: Label {
        font.family: Theme.fontFamily
        font.pixelSize: Theme.small
        font.bold: true
        font.capitalization: Font.AllUppercase
        color: Theme.faintText
        Layout.topMargin: 8
    }
    component Value: Label {
        textFormat: Text.PlainText
        font.family: Theme.fontFamily
        font.pixelSize: Theme.body
        color: Theme.text
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }

    ScrollView {
        anchors.fill: parent
        anchors.leftMargin: 1
        visible: !!pane.details.id
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width
            spacing: 6

            Item {
                implicitHeight: 12
            }
            Label {
                Layout.leftMargin: 20
                text: qsTr("Details")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.title + 1
                font.bold: true
                color: Theme.text
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.margins: 20
                spacing: 6

                Caption {
                    visible: (pane.details.roomNumber ?? "").length > 0
                    text: qsTr("Room")
                }
                Value {
                    visible: (pane.details.roomNumber ?? "").length > 0
                    text: pane.details.roomNumber ?? ""
                    font.pixelSize: Theme.heading
                    font.bold: true
                }
                Value {
                    readonly property bool checkedOut: !!pane.details.guestEndedAt && !isNaN(pane.details.guestEndedAt)
                    objectName: "guestStay"
                    visible: checkedOut || (!!pane.details.guestExpiresAt && !isNaN(pane.details.guestExpiresAt))
                    text: !visible ? "" : checkedOut ? qsTr("Checked out %1").arg(Qt.formatDateTime(pane.details.guestEndedAt, "d MMM HH:mm"))
                                                     : qsTr("Guest can write until %1").arg(Qt.formatDateTime(pane.details.guestExpiresAt, "d MMM HH:mm"))
                    color: Theme.mutedText
                    font.pixelSize: Theme.small
                }
                Caption {
                    visible: pane.details.kind === "widget"
                    text: qsTr("Visitor")
                }
                Value {
                    visible: pane.details.kind === "widget"
                    text: pane.details.displayTitle ?? ""
                }
                Value {
                    visible: pane.details.kind === "widget" && (pane.details.visitorId ?? "").length > 0
                    text: qsTr("Visitor number %1").arg(pane.details.visitorId ?? "")
                    font.pixelSize: Theme.small
                    color: Theme.mutedText
                }
                Repeater {
                    model: pane.details.visitorInfo ?? []

                    Value {
                        id: info
                        required property var modelData
                        // What the website passed: "page_url" reads "Page url".
                        text: info.modelData.key.charAt(0).toUpperCase() + info.modelData.key.slice(1).replace(/_/g, " ") + ": " + info.modelData.value
                        font.pixelSize: Theme.small
                    }
                }
                Caption {
                    text: qsTr("Started")
                }
                Value {
                    text: pane.details.createdAt ? Qt.formatDateTime(pane.details.createdAt, "d MMM yyyy, HH:mm") : ""
                }
                Caption {
                    text: qsTr("Handled by")
                }
                ComboBox {
                    id: handlerBox
                    objectName: "handlerBox"
                    Layout.fillWidth: true
                    font.family: Theme.fontFamily
                    model: pane.backend.settings.staffAccounts
                    textRole: "name"
                    valueRole: "id"
                    displayText: pane.details.handlerName ? pane.details.handlerName : qsTr("Nobody yet")
                    onActivated: index => pane.backend.assignTo(handlerBox.valueAt(index))
                }
                Button {
                    objectName: "detailsTakeOver"
                    Layout.fillWidth: true
                    visible: pane.details.handlerId !== pane.backend.staff.id
                    text: pane.details.handlerId ? qsTr("Take over") : qsTr("Assign to me")
                    font.family: Theme.fontFamily
                    onClicked: pane.backend.takeOver()
                }
                Caption {
                    text: qsTr("People")
                }
                Repeater {
                    model: pane.details.participants ?? []

                    RowLayout {
                        id: person
                        required property var modelData
                        Layout.fillWidth: true
                        spacing: 8

                        Rectangle {
                            implicitWidth: 8
                            implicitHeight: 8
                            radius: 4
                            color: person.modelData.online ? Theme.success : Theme.offline
                        }
                        Value {
                            text: person.modelData.name
                            opacity: person.modelData.active ? 1 : 0.5
                        }
                        Label {
                            text: ({ "staff": qsTr("staff"), "guest": qsTr("hotel guest"), "visitor": qsTr("website"), "customer": qsTr("customer"), "assistant": qsTr("automatic") })[person.modelData.kind] ?? ""
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small
                            color: Theme.faintText
                        }
                    }
                }
                Item {
                    implicitHeight: 12
                }
                Button {
                    objectName: "archiveButton"
                    Layout.fillWidth: true
                    text: pane.details.archived ? qsTr("Move back to inbox") : qsTr("Archive conversation")
                    icon.source: pane.details.archived ? "qrc:/icons/unarchive.svg" : "qrc:/icons/archive.svg"
                    font.family: Theme.fontFamily
                    onClicked: pane.backend.setArchived(!pane.details.archived)
                }
            }
        }
    }
}
