pragma Singleton

import QtQuick

// Colours, sizes and fonts of the console, in one place.
QtObject {
    readonly property color window: "#f4f6fa"
    readonly property color surface: "#ffffff"
    readonly property color sidebar: "#ffffff"
    readonly property color border: "#e3e7ee"
    readonly property color text: "#1d2330"
    readonly property color mutedText: "#6b7385"
    readonly property color faintText: "#98a0b0"
    readonly property color accent: "#2f6fed"
    readonly property color accentSoft: "#e8f0fe"
    readonly property color selected: "#eef3fd"
    readonly property color danger: "#e5484d"
    readonly property color success: "#2fb36b"
    readonly property color warning: "#f5a524"
    readonly property color warningText: "#9a6200" // amber text on light surfaces
    readonly property color incomingBubble: "#ffffff"
    readonly property color outgoingBubble: "#2f6fed"
    readonly property color outgoingText: "#ffffff"
    readonly property color conversationBackground: "#f4f6fa"
    readonly property color textOnAccent: "#ffffff" // text and icons on accent and dark surfaces
    readonly property color headerBackground: "#1d2330"
    readonly property color headerMutedText: "#aab3c5"
    readonly property color headerHover: "#2e3646"
    readonly property color hover: "#f7f9fc"
    readonly property color inputBackground: "#f1f3f7"
    readonly property color accentPressed: "#2559c4"
    readonly property color accentDisabled: "#b8c7ea"
    readonly property color offline: "#cfd5df"
    readonly property color dayBreak: "#e6eaf1"
    readonly property color assistantBubble: "#eef0ff"
    readonly property color readReceipt: "#bfe3ff"
    readonly property color outgoingQuote: Qt.rgba(1, 1, 1, 0.18)
    readonly property color outgoingMutedText: Qt.rgba(1, 1, 1, 0.85)
    readonly property color outgoingFaintText: Qt.rgba(1, 1, 1, 0.75)
    // Private notes: amber paper, never the blue of a reply to the guest.
    readonly property color note: "#fff4d6"
    readonly property color noteBorder: "#e0a526"
    readonly property color noteText: "#6b4a00"
    readonly property color noteInput: "#fffaf0"
    readonly property color noteHover: "#fbe9b8"
    readonly property color noteDisabled: "#ecd9a8"
    readonly property color resolved: "#e6f6ee"
    readonly property color scrim: Qt.rgba(0.11, 0.14, 0.19, 0.45) // behind modal dialogs

    readonly property string fontFamily: "DejaVu Sans"
    readonly property string monospaceFontFamily: "DejaVu Sans Mono" // secrets, snippets
    readonly property int small: 11
    readonly property int body: 13
    readonly property int title: 15
    readonly property int heading: 20
    readonly property int radius: 10

    // One colour per channel, for the avatar circles.
    function channelColor(kind: string): color {
        switch (kind) {
        case "room":
            return "#7c5cff";
        case "widget":
            return "#0fa3b1";
        case "app":
            return "#f08c2e";
        default:
            return "#5f6b7d";
        }
    }
}
