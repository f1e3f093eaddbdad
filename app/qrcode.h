#pragma once

#include <QImage>
#include <QQuickImageProvider>
#include <QString>

namespace lobby::app {

// A QR code (libqrencode, error correction M) as a black-on-white image with a 4-module quiet
// zone, each module `moduleSize` pixels. A null image when the text cannot be encoded.
QImage qrImage(const QString &text, int moduleSize);

// A printable A5 page: hotel name, room, the QR code of the guest page and its address.
bool writeRoomQrSheet(const QString &path, const QString &hotelName, const QString &roomNumber,
                      const QString &url, QString *error);

// The card handed to a room's next guest after check-out (A6): hotel, room, the new PIN and the
// QR code of the guest page.
bool writePinCard(const QString &path, const QString &hotelName, const QString &roomNumber,
                  const QString &pin, const QString &url, QString *error);

// image://qr/<percent-encoded text> for QML.
class QrImageProvider : public QQuickImageProvider
{
public:
    QrImageProvider() : QQuickImageProvider(QQuickImageProvider::Image) {}
    QImage requestImage(const QString &id, QSize *size, const QSize &requestedSize) override;
};

} // namespace lobby::app
