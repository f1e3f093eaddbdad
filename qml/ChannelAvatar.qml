import QtQuick

// A round avatar that says where a conversation comes from: the room number for hotel rooms,
// "www" for the website, initials for customers, two arrows for direct chats between staff and
// customers' accounts; a dot when online.
Item {
    id: avatar

    property string kind
    property string title
    property string roomNumber
    property bool online
    property int size: 42

    function initials(name) {
        const words = name.trim().split(" ");
        let letters = "";
        for (let i = 0; i < words.length; ++i) {
            if (words[i].length > 0 && (letters.length === 0 || i === words.length - 1))
                letters += words[i].charAt(0);
        }
        return letters.length > 0 ? letters.substring(0, 2).toUpperCase() : "?";
    }

    readonly property string glyph: {
        switch (avatar.kind) {
        case "room":
            return avatar.roomNumber.length > 0 ? avatar.roomNumber : avatar.title.split(" ").pop();
        case "widget":
            return "www";
        case "direct":
            return "";
        default:
            return avatar.initials(avatar.title);
        }
    }

    implicitWidth: size
    implicitHeight: size

    Rectangle {
        anchors.fill: parent
        radius: width / 2
        color: Theme.channelColor(avatar.kind)

        Icon {
            anchors.centerIn: parent
            visible: avatar.kind === "direct"
            symbol: "direct"
            size: Math.round(avatar.size * 0.5)
            color: Theme.textOnAccent
        }
        Text {
            anchors.centerIn: parent
            text: avatar.glyph
            textFormat: Text.PlainText
            color: Theme.textOnAccent
            font.family: Theme.fontFamily
            font.bold: true
            font.pixelSize: avatar.glyph.length > 2 ? avatar.size * 0.3 : avatar.size * 0.38
        }
    }
    Rectangle {
        visible: avatar.online
        width: avatar.size * 0.3
        height: width
        radius: width / 2
        color: Theme.success
        border.color: Theme.textOnAccent
        border.width: 2
        anchors.right: parent.right
        anchors.bottom: parent.bottom
    }
}
