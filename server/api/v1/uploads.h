#pragma once

#include "chat/entities.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace lobby::chat {
class ChatService;
}

// The pieces of POST /api/v1/chat/upload that need no server: multipart parsing, type sniffing,
// file-name hygiene, thumbnails, and storing a file (the console attaches files through it too).
namespace lobby::api::v1::uploads {

struct FormPart
{
    QByteArray name;
    QString fileName; // as the client sent it (untrusted)
    QByteArray contentType;
    QByteArray data;
};

// The parts of a multipart/form-data body; nullopt when the body or boundary is malformed.
std::optional<QList<FormPart>> parseMultipart(const QByteArray &contentType,
                                              const QByteArray &body);

struct SniffedType
{
    QString mimeType;
    QString extension; // with the dot
    bool isImage = false;
};

// The type named by the content's first bytes, among those Lobby accepts: JPEG, PNG, GIF and
// WebP images, audio (Ogg, WebM, MP3, AAC, WAV, MP4/M4A) for voice notes, and PDF.
std::optional<SniffedType> sniff(const QByteArray &data);

// A display name without folders, control characters or quotes, at most 120 characters.
QString displayName(const QString &clientName, const QString &fallbackExtension);

struct Thumbnail
{
    bool decodable = true; // false: the content claims an image format Qt reads but is broken
    QByteArray png;        // empty when no thumbnail was made (too large, or no reader)
};

// A PNG of at most `edge` x `edge` pixels, decoded under QImageReader's allocation limit and
// only when the image has at most `maxPixels` pixels.
Thumbnail makeThumbnail(const QByteArray &data, int edge = 320, qint64 maxPixels = 40'000'000);

enum class StoreError
{
    None,
    Empty,
    TooLarge,
    UnsupportedType,
    Undecodable,
    Storage
};

struct StoredUpload
{
    chat::Upload upload;
    StoreError error = StoreError::None;
};

// Checks and sniffs `data`, makes its thumbnail, writes both under `directory` with generated
// names and records the upload through ChatService. Nothing stays on disk when it fails.
StoredUpload storeUpload(chat::ChatService &chat, const QString &directory, qint64 maxBytes,
                         qint64 siteId, const chat::Actor &owner, const QString &clientName,
                         const QByteArray &data);

// Where a stored file is served ("/uploads/chat/<name>").
QString fileUrl(const QString &storedName);

// The message type a file is sent as: image, voice (audio) or file.
chat::MessageType messageTypeOf(const chat::Upload &upload);

} // namespace lobby::api::v1::uploads
