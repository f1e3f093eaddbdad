import QtQml
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One message: a date above the first of a day, the sender's name above a group, the reply
// quote, the text (always plain text) or an image thumbnail, time and read ticks.
Item {
    id: bubble

    required property int index
    required property var messageId
    required property string senderName
    required property string senderKind
    required property bool outgoing
    required property string type
    required property string text
    required property string mediaUrl
    required property var replyToId
    required property string replySender
    required property string replyText
    required property date createdAt
    required property bool read
    required property bool continuation
    required property bool dayBreak
    // The address to load (the model adds the server and, for uploads, the staff's token).
    required property string mediaSource
    property real maxBubbleWidth: width * 0.68

    signal replyRequested(var messageId, string senderName, string text)
    signal imageOpened(string url)

    readonly property bool system: bubble.type === "system"

    implicitHeight: column.implicitHeight + (bubble.continuation ? 3 : 12)

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        spacing: 4

        Label {
            visible: bubble.dayBreak
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: 8
            Layout.bottomMargin: 8
            text: Qt.formatDate(bubble.createdAt, "dddd, d MMMM")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small
            color: Theme.mutedText
            leftPadding: 10
            rightPadding: 10
            topPadding: 3
            bottomPadding: 3
            background: Rectangle {
                radius: 10
                color: Theme.dayBreak
            }
        }
        Label {
            visible: !bubble.continuation && !bubble.system
            Layout.alignment: bubble.outgoing ? Qt.AlignRight : Qt.AlignLeft
            Layout.leftMargin: 4
            Layout.rightMargin: 4
            text: bubble.senderKind === "assistant" ? qsTr("%1 (automatic)").arg(bubble.senderName) : bubble.senderName
            textFormat: Text.PlainText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.small
            font.bold: true
            color: Theme.mutedText
        }
        Rectangle {
            id: body
            objectName: "bubble-" + bubble.messageId
            Layout.alignment: bubble.system ? Qt.AlignHCenter : (bubble.outgoing ? Qt.AlignRight : Qt.AlignLeft)
            implicitWidth: Math.min(bubble.maxBubbleWidth, content.implicitWidth + 24)
            implicitHeight: content.implicitHeight + 16
            radius: 14
            color: bubble.system ? "transparent"
                                 : bubble.senderKind === "assistant" ? Theme.assistantBubble
                                 : bubble.outgoing ? Theme.outgoingBubble : Theme.incomingBubble
            border.color: bubble.outgoing || bubble.system ? "transparent" : Theme.border

            ColumnLayout {
                id: content
                x: 12
                y: 8
                width: body.width - 24
                spacing: 4

                Rectangle {
                    visible: Number(bubble.replyToId) > 0
                    Layout.fillWidth: true
                    implicitWidth: quote.implicitWidth + 14
                    implicitHeight: quote.implicitHeight + 8
                    radius: 6
                    color: bubble.outgoing ? Theme.outgoingQuote : Theme.inputBackground

                    Rectangle {
                        width: 3
                        height: parent.height
                        radius: 1.5
                        color: bubble.outgoing ? Theme.textOnAccent : Theme.accent
                    }
                    Column {
                        id: quote
                        x: 10
                        y: 4
                        width: parent.width - 14

                        Label {
                            text: bubble.replySender
                            textFormat: Text.PlainText
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small
                            font.bold: true
                            color: bubble.outgoing ? Theme.textOnAccent : Theme.accent
                        }
                        Label {
                            width: parent.width
                            text: bubble.replyText
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            maximumLineCount: 2
                            wrapMode: Text.Wrap
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.small
                            color: bubble.outgoing ? Theme.outgoingMutedText : Theme.mutedText
                        }
                    }
                }
                Image {
                    id: thumbnail
                    visible: bubble.type === "image" && bubble.mediaUrl.length > 0
                    source: visible ? bubble.mediaSource : ""
                    Layout.preferredWidth: Math.min(240, bubble.maxBubbleWidth - 24)
                    Layout.preferredHeight: visible ? Layout.preferredWidth * 0.75 : 0
                    fillMode: Image.PreserveAspectCrop
                    asynchronous: true
                    sourceSize.width: 480

                    MouseArea {
                        anchors.fill: parent
                        cursorShape: Qt.PointingHandCursor
                        onClicked: bubble.imageOpened(bubble.mediaSource)
                    }
                }
                Row {
                    visible: (bubble.type === "voice" || bubble.type === "file") && bubble.mediaUrl.length > 0
                    spacing: 6

                    Icon {
                        symbol: bubble.type === "voice" ? "play" : "file"
                        color: bubble.outgoing ? Theme.textOnAccent : Theme.accent
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Label {
                        text: (bubble.type === "voice" ? qsTr("Voice note") : qsTr("File")) + "  " + bubble.mediaUrl.split("/").pop()
                        textFormat: Text.PlainText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.body
                        font.underline: true
                        color: bubble.outgoing ? Theme.textOnAccent : Theme.accent
                        anchors.verticalCenter: parent.verticalCenter

                        MouseArea {
                            anchors.fill: parent
                            cursorShape: Qt.PointingHandCursor
                            onClicked: bubble.imageOpened(bubble.mediaSource)
                        }
                    }
                }
                Label {
                    visible: bubble.text.length > 0
                    Layout.fillWidth: true
                    text: bubble.text
                    textFormat: Text.PlainText
                    wrapMode: Text.Wrap
                    font.family: Theme.fontFamily
                    font.pixelSize: bubble.system ? Theme.small : Theme.body
                    font.italic: bubble.system
                    lineHeight: 1.15
                    color: bubble.system ? Theme.mutedText : (bubble.outgoing && bubble.senderKind !== "assistant" ? Theme.outgoingText : Theme.text)
                    horizontalAlignment: bubble.system ? Text.AlignHCenter : Text.AlignLeft
                }
                Row {
                    visible: !bubble.system
                    Layout.alignment: Qt.AlignRight
                    spacing: 4

                    Label {
                        text: Qt.formatTime(bubble.createdAt, "HH:mm")
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.small - 1
                        color: bubble.outgoing && bubble.senderKind !== "assistant" ? Theme.outgoingFaintText : Theme.faintText
                    }
                    Icon {
                        objectName: "readTicks"
                        visible: bubble.outgoing
                        anchors.verticalCenter: parent.verticalCenter
                        symbol: bubble.read ? "check-double" : "check"
                        size: 14
                        color: bubble.senderKind === "assistant" ? Theme.accent : (bubble.read ? Theme.readReceipt : Theme.outgoingFaintText)
                    }
                }
            }
            TapHandler {
                acceptedButtons: Qt.RightButton
                onTapped: bubble.replyRequested(bubble.messageId, bubble.senderName, bubble.text)
            }
            TapHandler {
                onDoubleTapped: bubble.replyRequested(bubble.messageId, bubble.senderName, bubble.text)
            }
        }
    }
}
