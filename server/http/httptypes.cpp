#include "http/httptypes.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace lobby::http {

HttpReply HttpReply::json(int status, const QJsonObject &object)
{
    return {status, compactJson(object), "application/json", {}};
}

HttpReply HttpReply::json(int status, const QJsonArray &array)
{
    return {status, QJsonDocument(array).toJson(QJsonDocument::Compact), "application/json", {}};
}

HttpReply HttpReply::error(ApiFamily family, int status, const QString &message)
{
    return {status, errorBody(family, message), "application/json", {}};
}

HttpRequest::HttpRequest(const QHttpServerRequest &raw, QHash<QString, QString> params,
                         ApiFamily family)
    : m_raw(raw), m_params(std::move(params)), m_family(family)
{}

QString HttpRequest::query(const QString &name) const
{
    return m_raw.query().queryItemValue(name, QUrl::FullyDecoded);
}

QString HttpRequest::bearerToken() const
{
    const QByteArray value = header("authorization").trimmed();
    if (value.size() > 7 && value.left(7).toLower() == "bearer ")
        return QString::fromLatin1(value.mid(7).trimmed());
    return {};
}

std::optional<QJsonObject> HttpRequest::jsonObject(HttpReply *reply) const
{
    return parseJsonObject(m_raw.body(), m_family, reply);
}

std::optional<QJsonObject> HttpRequest::parseJsonObject(const QByteArray &body, ApiFamily family,
                                                        HttpReply *reply)
{
    if (body.trimmed().isEmpty())
        return QJsonObject{};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *reply = HttpReply::error(family, 400,
                                  QStringLiteral("Malformed JSON at offset %1: %2")
                                      .arg(parseError.offset)
                                      .arg(parseError.errorString()));
        return std::nullopt;
    }
    if (!document.isObject()) {
        *reply = HttpReply::error(family, 400,
                                  QStringLiteral("The request body must be a JSON object."));
        return std::nullopt;
    }
    return document.object();
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString isoTimeMs(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

std::optional<qint64> idFromJson(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (d >= 1 && d <= 9e15 && d == double(qint64(d)))
            return qint64(d);
    } else if (value.isString()) {
        bool ok = false;
        const qint64 id = value.toString().toLongLong(&ok);
        if (ok && id > 0)
            return id;
    }
    return std::nullopt;
}

QByteArray rawResponse(int status, const QByteArray &body, const QList<Header> &headers)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const Header &header : headers)
        out += header.first + ": " + header.second + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
    return out;
}

} // namespace lobby::http
