// api::v1::uploads: parseMultipart, then what POST /api/v1/chat/upload does with each part
// (sniff, displayName, makeThumbnail under a small pixel limit). Input: the Content-Type line,
// '\n', the body.
#include "api/v1/uploads.h"

#include <QGuiApplication>

#include <cstdlib>

using namespace lobby::api::v1::uploads;

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    new QGuiApplication(*argc, *argv); // image plugins
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray contentType =
        newline < 0 ? QByteArray("multipart/form-data; boundary=b") : input.left(newline);
    const QByteArray body = newline < 0 ? input : input.mid(newline + 1);
    const auto parts = parseMultipart(contentType, body);
    const QList<FormPart> all = parts ? *parts : QList<FormPart>{FormPart{"file", {}, {}, body}};
    for (const FormPart &part : all) {
        const auto type = sniff(part.data);
        const QString name = displayName(part.fileName, type ? type->extension : QString());
        if (name.size() > 120 || name.contains(u'/') || name.contains(u'\\'))
            abort();
        const Thumbnail thumbnail = makeThumbnail(part.data, 64, 1'000'000);
        if (!thumbnail.png.isEmpty() && !thumbnail.png.startsWith("\x89PNG"))
            abort();
    }
    return 0;
}
