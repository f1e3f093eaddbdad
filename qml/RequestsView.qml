pragma ComponentBehavior: Bound

import QtQml
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Lobby.Backend

// The Requests view: the site's requests in columns by status (open, in progress, finished),
// filtered by category and department, with how long each has waited (amber and red past its
// category's thresholds), the actions that move it on, and its conversation one click away.
Rectangle {
    id: view

    // app/RequestsController: the columns, filters and staff actions.
    required property RequestsController requests
    // Asks the console to show a request's conversation.
    signal conversationOpened(var conversationId)

    color: Theme.window

    Timer {
        interval: 30000
        running: view.visible
        repeat: true
        triggeredOnStart: true
        onTriggered: view.requests.tick()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 12

        RowLayout {
            Layout.fillWidth: true
            spacing: 12

            Label {
                text: qsTr("Requests")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.heading
                font.bold: true
                color: Theme.text
                Layout.fillWidth: true
            }
            ComboBox {
                id: categoryFilter
                objectName: "requestCategoryFilter"
                Layout.preferredWidth: 190
                font.family: Theme.fontFamily
                model: view.requests.categoryChoices
                onActivated: index => view.requests.chooseCategory(index)
            }
            ComboBox {
                id: departmentFilter
                objectName: "requestDepartmentFilter"
                Layout.preferredWidth: 190
                font.family: Theme.fontFamily
                model: view.requests.departmentChoices
                onActivated: index => view.requests.chooseDepartment(index)
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            Repeater {
                model: [
                    {
                        name: "open",
                        title: qsTr("Open"),
                        column: view.requests.open
                    },
                    {
                        name: "inProgress",
                        title: qsTr("In progress"),
                        column: view.requests.inProgress
                    },
                    {
                        name: "finished",
                        title: qsTr("Done"),
                        column: view.requests.finished
                    }
                ]

                Rectangle {
                    id: columnBox

                    required property var modelData

                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    radius: Theme.radius
                    color: Theme.dayBreak

                    ColumnLayout {
                        anchors.fill: parent
                        anchors.margins: 10
                        spacing: 8

                        Label {
                            text: qsTr("%1 · %2").arg(columnBox.modelData.title).arg(list.count)
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.title
                            font.bold: true
                            color: Theme.text
                        }
                        ListView {
                            id: list
                            objectName: columnBox.modelData.name + "Requests"
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            clip: true
                            spacing: 8
                            model: columnBox.modelData.column

                            delegate: Rectangle {
                                id: card

                                required property var requestId
                                required property var conversationId
                                required property string title
                                required property string summary
                                required property string status
                                required property string assigneeName
                                required property string waiting
                                required property int urgency

                                objectName: "requestCard"
                                width: ListView.view.width
                                implicitHeight: cardLayout.implicitHeight + 20
                                radius: 8
                                color: Theme.surface
                                border.width: card.urgency > 0 ? 2 : 1
                                border.color: card.urgency === 2 ? Theme.danger : card.urgency === 1 ? Theme.warning : Theme.border

                                ColumnLayout {
                                    id: cardLayout
                                    anchors.left: parent.left
                                    anchors.right: parent.right
                                    anchors.top: parent.top
                                    anchors.margins: 10
                                    spacing: 4

                                    Label {
                                        Layout.fillWidth: true
                                        text: card.title
                                        textFormat: Text.PlainText
                                        wrapMode: Text.Wrap
                                        maximumLineCount: 3
                                        elide: Text.ElideRight
                                        font.family: Theme.fontFamily
                                        font.pixelSize: Theme.body
                                        font.bold: true
                                        color: Theme.text
                                    }
                                    Label {
                                        Layout.fillWidth: true
                                        text: card.summary
                                        textFormat: Text.PlainText
                                        elide: Text.ElideRight
                                        font.family: Theme.fontFamily
                                        font.pixelSize: Theme.small
                                        color: Theme.mutedText
                                    }
                                    RowLayout {
                                        Layout.fillWidth: true
                                        spacing: 6

                                        Label {
                                            objectName: "requestWaiting"
                                            text: card.status === "done" ? qsTr("done, took %1").arg(card.waiting) : card.status === "cancelled" ? qsTr("cancelled") : qsTr("waiting %1").arg(card.waiting)
                                            font.family: Theme.fontFamily
                                            font.pixelSize: Theme.small
                                            font.bold: card.urgency > 0
                                            color: card.urgency === 2 ? Theme.danger : card.urgency === 1 ? Theme.warningText : Theme.mutedText
                                        }
                                        Label {
                                            Layout.fillWidth: true
                                            visible: card.assigneeName.length > 0
                                            text: "· " + card.assigneeName
                                            textFormat: Text.PlainText
                                            elide: Text.ElideRight
                                            font.family: Theme.fontFamily
                                            font.pixelSize: Theme.small
                                            color: Theme.mutedText
                                        }
                                    }
                                    RowLayout {
                                        Layout.fillWidth: true
                                        spacing: 6

                                        Button {
                                            objectName: "takeRequestButton"
                                            visible: card.status === "open"
                                            text: qsTr("Take")
                                            highlighted: true
                                            font.family: Theme.fontFamily
                                            onClicked: view.requests.take(card.requestId)
                                        }
                                        Button {
                                            objectName: "finishRequestButton"
                                            visible: card.status === "in_progress"
                                            text: qsTr("Done")
                                            highlighted: true
                                            font.family: Theme.fontFamily
                                            onClicked: view.requests.finish(card.requestId)
                                        }
                                        Button {
                                            objectName: "cancelRequestButton"
                                            visible: card.status === "open" || card.status === "in_progress"
                                            text: qsTr("Cancel")
                                            flat: true
                                            font.family: Theme.fontFamily
                                            onClicked: view.requests.cancel(card.requestId)
                                        }
                                        Item {
                                            Layout.fillWidth: true
                                        }
                                        Button {
                                            objectName: "openRequestChatButton"
                                            text: qsTr("Chat")
                                            flat: true
                                            font.family: Theme.fontFamily
                                            onClicked: view.conversationOpened(card.conversationId)
                                        }
                                    }
                                }
                            }
                        }
                        Label {
                            visible: list.count === 0
                            Layout.fillWidth: true
                            horizontalAlignment: Text.AlignHCenter
                            text: qsTr("Nothing here")
                            font.family: Theme.fontFamily
                            color: Theme.faintText
                        }
                    }
                }
            }
        }
    }
}
