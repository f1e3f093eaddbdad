#include "http/staticfiles.h"

#include "http/httpserver.h"

#include <QFile>
#include <QMimeDatabase>

namespace lobby::http {

namespace {

// Pages may load their own scripts, styles and images and talk back to this server only.
constexpr auto contentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

HttpReply fileReply(const QString &resourcePath)
{
    QFile file(resourcePath);
    if (!file.open(QIODevice::ReadOnly))
        return HttpReply::error(ApiFamily::Plain, 404, QStringLiteral("Not found."));
    static const QMimeDatabase mimeTypes;
    const QString mime =
        mimeTypes.mimeTypeForFile(resourcePath, QMimeDatabase::MatchExtension).name();
    HttpReply reply{200, file.readAll(), mime.toLatin1(), {}};
    if (mime.startsWith(u"text/") || mime == u"application/javascript")
        reply.contentType += "; charset=utf-8";
    reply.headers = {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-cache"}};
    if (mime == u"text/html")
        reply.headers.append(Header("Content-Security-Policy", contentSecurityPolicy));
    return reply;
}

bool isSafeRelativePath(const QString &path)
{
    if (path.isEmpty() || path.contains(QLatin1Char('\\')))
        return false;
    const QStringList segments = path.split(QLatin1Char('/'));
    return std::none_of(segments.cbegin(), segments.cend(), [](const QString &segment) {
        return segment.isEmpty() || segment == u"." || segment == u"..";
    });
}

} // namespace

void registerStaticFiles(HttpServer &server)
{
    // Swagger UI styles its own elements inline, so its page allows inline styles.
    server.route(
        QHttpServerRequest::Method::Get, QStringLiteral("/api/docs/"), [](const HttpRequest &) {
            HttpReply reply = fileReply(QStringLiteral(":/web/docs/index.html"));
            for (Header &header : reply.headers) {
                if (header.first == "Content-Security-Policy")
                    header.second.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
            }
            return reply;
        });
    server.route(
        QHttpServerRequest::Method::Get, QStringLiteral("/api/docs/openapi.json"),
        [](const HttpRequest &) { return fileReply(QStringLiteral(":/openapi/openapi.json")); });
    server.route(
        QHttpServerRequest::Method::Get, QStringLiteral("/api/docs/asyncapi.json"),
        [](const HttpRequest &) { return fileReply(QStringLiteral(":/openapi/asyncapi.json")); });
    server.route(QHttpServerRequest::Method::Get, QStringLiteral("/"),
                 [](const HttpRequest &) { return fileReply(QStringLiteral(":/web/index.html")); });
    server.route(QHttpServerRequest::Method::Get, QStringLiteral("/widget.js"),
                 [](const HttpRequest &) { return fileReply(QStringLiteral(":/web/widget.js")); });
    server.route(QHttpServerRequest::Method::Get, QStringLiteral("/static/{*path}"),
                 [](const HttpRequest &request) {
                     const QString path = request.param(QStringLiteral("path"));
                     if (!isSafeRelativePath(path))
                         return request.error(404, QStringLiteral("Not found."));
                     return fileReply(QStringLiteral(":/web/static/") + path);
                 });
}

} // namespace lobby::http
