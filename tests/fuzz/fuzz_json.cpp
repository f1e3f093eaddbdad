// HttpRequest::jsonObject (every family's body parser starts there): any bytes either give an
// object or a 400 in the family's shape.
#include "http/httptypes.h"

#include <QJsonDocument>

#include <cstdlib>

using namespace lobby::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const ApiFamily family = data[0] & 1 ? ApiFamily::Widget : ApiFamily::Plain;
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    HttpReply reply;
    const auto object = HttpRequest::parseJsonObject(body, family, &reply);
    if (object) {
        // Walk what a handler reads: every value as the types the families ask for.
        for (auto it = object->begin(); it != object->end(); ++it) {
            const QJsonValue value = it.value();
            (void)value.toString();
            (void)value.toInteger();
            (void)value.toDouble();
            (void)value.toObject();
            (void)value.toArray();
        }
        (void)QJsonDocument(*object).toJson(QJsonDocument::Compact);
        return 0;
    }
    if (reply.status != 400 || reply.body.isEmpty())
        abort();
    const QJsonObject error = QJsonDocument::fromJson(reply.body).object();
    if (family == ApiFamily::Widget ? !error.contains(QStringLiteral("message"))
                                    : !error.contains(QStringLiteral("detail")))
        abort();
    return 0;
}
