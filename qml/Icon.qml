import QtQuick
import QtQuick.Controls.impl

// One of the console's SVG icons (resources/icons), drawn in `color`. Icons never come from
// fonts: a desktop without an emoji or symbol font would show empty boxes.
IconImage {
    id: icon

    // The file's name in resources/icons, without ".svg".
    property string symbol
    property int size: 18

    source: icon.symbol.length > 0 ? "qrc:/icons/" + icon.symbol + ".svg" : ""
    sourceSize.width: icon.size
    sourceSize.height: icon.size
    width: icon.size
    height: icon.size
    color: Theme.text
}
