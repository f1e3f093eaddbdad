// Every family's request bodies through the real handlers: an in-process LobbyServer over the
// reliability world (tests/reliability/world.*), one HTTP request per input. Byte 0 picks the
// endpoint (and, in its high bit, a form body instead of JSON for the endpoints that take both),
// the rest is the body. A 5xx, a dropped answer, or a server that no longer answers /healthz is
// a crash. Argon2id logins are left out (one hash per input would make this crawl).
#include "world.h"

#include <QGuiApplication>

#include <cstdio>
#include <cstdlib>

using namespace lobby::reliability;

namespace {
World *world = nullptr;

struct Endpoint
{
    QByteArray path;
    Headers headers;
};
QList<Endpoint> endpoints;
QList<QPair<QByteArray, QByteArray>> placeholders; // in the seeds: the world's ids and tokens
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    new QGuiApplication(*argc, *argv);
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &text) {
        if (type == QtFatalMsg) {
            fprintf(stderr, "%s\n", qPrintable(text));
            abort();
        }
    });
    // No creation limit or upload quota: past them every input would get the same 429.
    world = new World([](ServerConfig &config) {
        config.widget.creationsPerMinute = 0;
        config.dailyUploadBytesPerAccount = 0;
    });
    const Tenant &h = world->hotel;
    const QByteArray slug = h.site.slug.toLatin1();
    const QByteArray conv = QByteArray::number(h.roomConversation);
    const Headers key = {{"X-API-Key", h.apiKey.toLatin1()}};
    const Headers guest = World::bearer(h.guestToken);
    const Headers staff = World::bearer(h.staffToken);
    const Headers admin = World::bearer(h.adminToken);
    const Headers customer = World::bearer(h.customerToken);
    endpoints = {
        {"/api/chats/visitors/", key},
        {"/api/chats/sessions/", key},
        {"/api/chats/messages/chat/", key},
        {"/api/chat/" + slug + "/guest-session/room/101/initialize/", {}},
        {"/api/chat/guest-session/" + h.guestToken.toLatin1() + "/mark-read/", {}},
        {"/api/chat/" + slug + "/conversations/" + conv + "/messages/send/", guest},
        {"/api/chat/" + slug + "/conversations/" + conv + "/messages/send/", staff},
        {"/api/chat/pusher/auth/", guest},
        {"/api/chat/pusher/auth/", staff},
        {"/api/v1/chat/chats", admin},
        {"/api/v1/chat/chats/customer", customer},
        {"/api/v1/chat/upload", customer},
        {"/api/auth/token/refresh/", {}},
        {"/apps/" + world->pusherApp().appId.toLatin1() + "/events", {}},
        {"/apps/" + world->pusherApp().appId.toLatin1() + "/batch_events", {}},
    };
    placeholders = {
        {"$VISITOR", h.visitorId.toLatin1()},
        {"$SESSION", h.sessionId.toLatin1()},
        {"$GUEST", h.guestToken.toLatin1()},
        {"$PIN", h.roomPin.toLatin1()},
        {"$CUSTOMER", QByteArray::number(h.customer.id)},
        {"$STAFF", QByteArray::number(h.staff.id)},
        {"$REFRESH", h.customerRefresh.toLatin1()},
    };
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const Endpoint &endpoint = endpoints.at(data[0] % endpoints.size());
    QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    if (body.contains('$')) {
        for (const auto &[name, value] : std::as_const(placeholders))
            body.replace(name, value);
    }
    HttpResult result;
    if (endpoint.path.startsWith("/apps/")) {
        result = world->pusherApi(endpoint.path, body); // signed, so the body is parsed
    } else {
        Headers headers = endpoint.headers;
        if (endpoint.path.endsWith("/upload"))
            headers.append(QPair<QByteArray, QByteArray>("Content-Type",
                                                         "multipart/form-data; boundary=fuzz"));
        else if (data[0] & 0x80)
            headers.append(
                QPair<QByteArray, QByteArray>("Content-Type", "application/x-www-form-urlencoded"));
        result = world->call("POST", endpoint.path, body, headers);
    }
    static const bool verbose = qEnvironmentVariableIsSet("LOBBY_FUZZ_VERBOSE");
    if (verbose)
        fprintf(stderr, "POST %s -> %d %s\n", endpoint.path.constData(), result.status,
                result.body.left(120).constData());
    if (result.status == 0 || result.status >= 500) {
        fprintf(stderr, "POST %s -> %d %s\n", endpoint.path.constData(), result.status,
                result.body.left(300).constData());
        abort();
    }
    if (const QString problem = shapeProblem(endpoint.path, result);
        result.status >= 400 && !problem.isEmpty()) {
        fprintf(stderr, "POST %s -> %d: %s\n", endpoint.path.constData(), result.status,
                qPrintable(problem));
        abort();
    }
    return 0;
}
