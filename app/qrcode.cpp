#include "qrcode.h"

#include <QPainter>
#include <QPdfWriter>
#include <QUrl>

#include <qrencode.h>

namespace lobby::app {

QImage qrImage(const QString &text, int moduleSize)
{
    const QByteArray utf8 = text.toUtf8();
    QRcode *code = QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code)
        return {};
    constexpr int quietZone = 4;
    const int modules = code->width + 2 * quietZone;
    moduleSize = std::max(1, moduleSize);
    QImage image(modules * moduleSize, modules * moduleSize, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::black);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            // The lowest bit of each byte says whether the module is dark.
            if (code->data[y * code->width + x] & 1)
                painter.drawRect((x + quietZone) * moduleSize, (y + quietZone) * moduleSize,
                                 moduleSize, moduleSize);
        }
    }
    QRcode_free(code);
    return image;
}

namespace {

// One page: hotel, room, the QR code, and below it the PIN (a PIN card) or a hint to ask for it.
bool writeRoomPage(const QString &path, QPageSize::PageSizeId size, const QString &hotelName,
                   const QString &roomNumber, const QString &pin, const QString &url,
                   QString *error)
{
    const QImage code = qrImage(url, 16);
    if (code.isNull()) {
        *error = QStringLiteral("the address is too long for a QR code");
        return false;
    }
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(size));
    writer.setResolution(300);
    writer.setTitle(QStringLiteral("Room %1 chat").arg(roomNumber));
    QPainter painter;
    if (!painter.begin(&writer)) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    const QRect page = painter.viewport();
    const int margin = page.width() / 10;
    QRect area = page.adjusted(margin, margin, -margin, -margin);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSize(20);
    font.setBold(true);
    painter.setFont(font);
    painter.drawText(QRect(area.left(), area.top(), area.width(), area.height() / 8),
                     Qt::AlignCenter, hotelName);
    font.setPointSize(28);
    painter.setFont(font);
    painter.drawText(
        QRect(area.left(), area.top() + area.height() / 8, area.width(), area.height() / 8),
        Qt::AlignCenter, QStringLiteral("Room %1").arg(roomNumber));
    const int side = std::min(area.width(), area.height() / 2);
    const QRect codeRect(area.center().x() - side / 2, area.top() + area.height() / 4, side, side);
    painter.drawImage(codeRect, code);
    font.setPointSize(13);
    font.setBold(false);
    painter.setFont(font);
    const int textTop = codeRect.bottom() + margin / 2;
    painter.drawText(
        QRect(area.left(), textTop, area.width(), area.height() / 8),
        Qt::AlignCenter | Qt::TextWordWrap,
        pin.isEmpty() ? QStringLiteral("Scan to chat with reception.\nYou will need your room PIN.")
                      : QStringLiteral("Scan to chat with reception.\nYour PIN: %1").arg(pin));
    font.setPointSize(8);
    painter.setFont(font);
    painter.drawText(
        QRect(area.left(), textTop + area.height() / 8, area.width(), area.height() / 8),
        Qt::AlignCenter | Qt::TextWrapAnywhere, url);
    return painter.end();
}

} // namespace

bool writeRoomQrSheet(const QString &path, const QString &hotelName, const QString &roomNumber,
                      const QString &url, QString *error)
{
    return writeRoomPage(path, QPageSize::A5, hotelName, roomNumber, {}, url, error);
}

bool writePinCard(const QString &path, const QString &hotelName, const QString &roomNumber,
                  const QString &pin, const QString &url, QString *error)
{
    return writeRoomPage(path, QPageSize::A6, hotelName, roomNumber, pin, url, error);
}

QImage QrImageProvider::requestImage(const QString &id, QSize *size, const QSize &requestedSize)
{
    const QString text = QUrl::fromPercentEncoding(id.toUtf8());
    QImage image = qrImage(text, 8);
    if (!image.isNull() && requestedSize.isValid())
        image = image.scaled(requestedSize, Qt::KeepAspectRatio, Qt::FastTransformation);
    if (size)
        *size = image.size();
    return image;
}

} // namespace lobby::app
