#include "api/v1/uploads.h"
#include "logging.h"

#include "auth/crypto.h"
#include "chat/chatservice.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QRegularExpression>
#include <QSaveFile>

namespace lobby::api::v1::uploads {

namespace {

QByteArray parameter(const QByteArray &header, const QByteArray &name)
{
    // name="value" or name=value, case-insensitive name.
    const QList<QByteArray> pieces = header.split(';');
    for (QByteArray piece : pieces) {
        piece = piece.trimmed();
        const qsizetype eq = piece.indexOf('=');
        if (eq <= 0 || piece.left(eq).trimmed().toLower() != name)
            continue;
        QByteArray value = piece.mid(eq + 1).trimmed();
        if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
            value = value.mid(1, value.size() - 2);
        return value;
    }
    return {};
}

} // namespace

std::optional<QList<FormPart>> parseMultipart(const QByteArray &contentType, const QByteArray &body)
{
    if (!contentType.trimmed().toLower().startsWith("multipart/form-data"))
        return std::nullopt;
    const QByteArray boundary = parameter(contentType, "boundary");
    if (boundary.isEmpty() || boundary.size() > 200)
        return std::nullopt;
    const QByteArray delimiter = "--" + boundary;
    const QByteArray separator = "\r\n" + delimiter;

    QList<FormPart> parts;
    qsizetype pos = 0;
    if (body.startsWith(delimiter)) {
        pos = delimiter.size();
    } else {
        pos = body.indexOf(separator); // a preamble before the first delimiter
        if (pos < 0)
            return std::nullopt;
        pos += separator.size();
    }
    while (true) {
        if (body.mid(pos, 2) == "--")
            return parts; // closing delimiter
        if (body.mid(pos, 2) != "\r\n")
            return std::nullopt;
        pos += 2;
        const qsizetype headEnd = body.indexOf("\r\n\r\n", pos);
        if (headEnd < 0)
            return std::nullopt;
        FormPart part;
        const QList<QByteArray> lines = body.mid(pos, headEnd - pos).split('\n');
        for (QByteArray line : lines) {
            line = line.trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-disposition") {
                part.name = parameter(value, "name");
                part.fileName = QString::fromUtf8(parameter(value, "filename"));
            } else if (name == "content-type") {
                part.contentType = value;
            }
        }
        const qsizetype dataStart = headEnd + 4;
        const qsizetype next = body.indexOf(separator, dataStart);
        if (next < 0)
            return std::nullopt;
        part.data = body.mid(dataStart, next - dataStart);
        parts.append(std::move(part));
        pos = next + separator.size();
    }
}

std::optional<SniffedType> sniff(const QByteArray &data)
{
    const auto at = [&data](qsizetype offset, const char *magic, qsizetype size) {
        return data.size() >= offset + size && data.mid(offset, size) == QByteArray(magic, size);
    };
    const auto u8 = [&data](qsizetype i) { return i < data.size() ? quint8(data.at(i)) : 0; };
    if (at(0, "\xFF\xD8\xFF", 3))
        return SniffedType{QStringLiteral("image/jpeg"), QStringLiteral(".jpg"), true};
    if (at(0, "\x89PNG\r\n\x1A\n", 8))
        return SniffedType{QStringLiteral("image/png"), QStringLiteral(".png"), true};
    if (at(0, "GIF87a", 6) || at(0, "GIF89a", 6))
        return SniffedType{QStringLiteral("image/gif"), QStringLiteral(".gif"), true};
    if (at(0, "RIFF", 4) && at(8, "WEBP", 4))
        return SniffedType{QStringLiteral("image/webp"), QStringLiteral(".webp"), true};
    if (at(0, "RIFF", 4) && at(8, "WAVE", 4))
        return SniffedType{QStringLiteral("audio/wav"), QStringLiteral(".wav"), false};
    if (at(0, "%PDF-", 5))
        return SniffedType{QStringLiteral("application/pdf"), QStringLiteral(".pdf"), false};
    if (at(0, "OggS", 4))
        return SniffedType{QStringLiteral("audio/ogg"), QStringLiteral(".ogg"), false};
    if (at(0, "\x1A\x45\xDF\xA3", 4))
        return SniffedType{QStringLiteral("audio/webm"), QStringLiteral(".webm"), false};
    if (at(0, "ID3", 3))
        return SniffedType{QStringLiteral("audio/mpeg"), QStringLiteral(".mp3"), false};
    if (u8(0) == 0xFF && (u8(1) & 0xE0) == 0xE0) {
        // MPEG audio frame sync: layer bits 00 are AAC in ADTS, others MP3.
        if ((u8(1) & 0x06) == 0)
            return SniffedType{QStringLiteral("audio/aac"), QStringLiteral(".aac"), false};
        return SniffedType{QStringLiteral("audio/mpeg"), QStringLiteral(".mp3"), false};
    }
    if (at(4, "ftyp", 4)) {
        static const QList<QByteArray> audioBrands = {"M4A ", "M4B ", "isom",
                                                      "iso5", "mp42", "dash"};
        if (audioBrands.contains(data.mid(8, 4)))
            return SniffedType{QStringLiteral("audio/mp4"), QStringLiteral(".m4a"), false};
    }
    return std::nullopt;
}

QString displayName(const QString &clientName, const QString &fallbackExtension)
{
    QString name = clientName;
    name =
        name.mid(qMax(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\'))) + 1);
    QString clean;
    for (const QChar c : std::as_const(name)) {
        if (c.category() == QChar::Other_Control || c == u'"' || c == u'\'' || c == u'<' ||
            c == u'>')
            continue;
        clean.append(c);
    }
    clean = clean.trimmed().left(120);
    if (clean.isEmpty() || clean == u"." || clean == u"..")
        clean = QStringLiteral("file") + fallbackExtension;
    return clean;
}

Thumbnail makeThumbnail(const QByteArray &data, int edge, qint64 maxPixels)
{
    QBuffer buffer;
    buffer.setData(data);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    if (!reader.canRead())
        return {true, {}}; // a format this Qt cannot read (e.g. WebP without the plugin)
    // A decompression bomb stops here: the header's size is checked before any pixel is
    // decoded, and the allocation limit backs that up inside the decoder.
    QImageReader::setAllocationLimit(128);
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty())
        return {false, {}};
    if (qint64(size.width()) * size.height() > maxPixels)
        return {true, {}};
    if (size.width() > edge || size.height() > edge)
        reader.setScaledSize(size.scaled(edge, edge, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        return {false, {}};
    if (image.width() > edge || image.height() > edge)
        image = image.scaled(edge, edge, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    if (!image.save(&out, "PNG"))
        return {true, {}};
    return {true, out.data()};
}

StoredUpload storeUpload(chat::ChatService &chat, const QString &directory, qint64 maxBytes,
                         qint64 siteId, const chat::Actor &owner, const QString &clientName,
                         const QByteArray &data)
{
    if (data.isEmpty())
        return {{}, StoreError::Empty};
    if (data.size() > maxBytes)
        return {{}, StoreError::TooLarge};
    const auto type = sniff(data);
    if (!type)
        return {{}, StoreError::UnsupportedType};
    Thumbnail thumbnail;
    if (type->isImage) {
        thumbnail = makeThumbnail(data);
        if (!thumbnail.decodable)
            return {{}, StoreError::Undecodable};
    }
    QDir dir(directory);
    if (directory.isEmpty() || !dir.mkpath(QStringLiteral("."))) {
        qCWarning(lcUploads, "cannot create the uploads folder %s", qPrintable(directory));
        return {{}, StoreError::Storage};
    }
    QFile::setPermissions(directory,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString base = auth::randomToken(18);
    chat::Upload upload;
    upload.siteId = siteId;
    upload.owner = owner;
    upload.storedName = base + type->extension;
    upload.originalName = displayName(clientName, type->extension);
    upload.mimeType = type->mimeType;
    upload.size = data.size();
    if (!thumbnail.png.isEmpty())
        upload.thumbnailName = base + QStringLiteral("_thumb.png");

    const auto write = [&dir](const QString &name, const QByteArray &bytes) {
        QSaveFile out(dir.filePath(name));
        return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.commit();
    };
    const auto removeFiles = [&] {
        dir.remove(upload.storedName);
        if (!upload.thumbnailName.isEmpty())
            dir.remove(upload.thumbnailName);
    };
    if (!write(upload.storedName, data) ||
        (!upload.thumbnailName.isEmpty() && !write(upload.thumbnailName, thumbnail.png))) {
        removeFiles();
        return {{}, StoreError::Storage};
    }
    const auto recorded = chat.recordUpload(upload);
    if (!recorded) {
        removeFiles();
        return {{}, StoreError::Storage};
    }
    return {recorded.value(), StoreError::None};
}

QString fileUrl(const QString &storedName)
{
    return QStringLiteral("/uploads/chat/") + storedName;
}

chat::MessageType messageTypeOf(const chat::Upload &upload)
{
    if (upload.mimeType.startsWith(u"image/"))
        return chat::MessageType::Image;
    if (upload.mimeType.startsWith(u"audio/"))
        return chat::MessageType::Voice;
    return chat::MessageType::File;
}

} // namespace lobby::api::v1::uploads
