#pragma once

#include "http/apifamily.h"

#include <QDateTime>
#include <QHash>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

#include <optional>

namespace lobby::http {

using Header = QPair<QByteArray, QByteArray>;

// A complete response. Handlers build one; the server adds CORS and writes it.
struct HttpReply
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<Header> headers;

    static HttpReply json(int status, const QJsonObject &object);
    static HttpReply json(int status, const QJsonArray &array);
    static HttpReply error(ApiFamily family, int status, const QString &message);
};

// One request as a route sees it: the raw Qt request plus the path parameters.
class HttpRequest
{
public:
    HttpRequest(const QHttpServerRequest &raw, QHash<QString, QString> params, ApiFamily family);

    const QHttpServerRequest &raw() const { return m_raw; }
    ApiFamily family() const { return m_family; }
    QString path() const { return m_raw.url().path(); }
    QString param(const QString &name) const { return m_params.value(name); }
    QString query(const QString &name) const;
    QByteArray header(const QByteArray &name) const { return m_raw.value(name); }
    // The token of "Authorization: Bearer <token>", empty when there is none.
    QString bearerToken() const;

    // The body as a JSON object; an empty body reads as {}. On failure `reply` holds the 400.
    std::optional<QJsonObject> jsonObject(HttpReply *reply) const;
    // The same for any body (what jsonObject() does with this request's body).
    static std::optional<QJsonObject> parseJsonObject(const QByteArray &body, ApiFamily family,
                                                      HttpReply *reply);

    HttpReply error(int status, const QString &message) const
    {
        return HttpReply::error(m_family, status, message);
    }

private:
    const QHttpServerRequest &m_raw;
    QHash<QString, QString> m_params;
    ApiFamily m_family;
};

// One line of JSON: every family's bodies and frames.
QByteArray compactJson(const QJsonObject &object);
// UTC ISO 8601 with milliseconds, e.g. 2025-12-09T12:00:00.000Z.
QString isoTimeMs(const QDateTime &time);

// An id in a JSON body: a whole number or a numeric string, at least 1. Range-checked before
// converting (a double outside qint64 is undefined behaviour); nullopt for anything else.
std::optional<qint64> idFromJson(const QJsonValue &value);

// Raw HTTP/1.1 bytes for the few answers written below QHttpServer (limits, refused upgrades).
QByteArray rawResponse(int status, const QByteArray &body, const QList<Header> &headers = {});
QByteArray reasonPhrase(int status);

} // namespace lobby::http
