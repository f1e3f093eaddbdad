// Bad input, every family: malformed JSON, wrong types, nulls, huge strings and bodies, deep
// nesting, invalid UTF-8, invalid ids, path traversal, header floods, junk Pusher events,
// oversized, fragmented and binary WebSocket frames. Every refused request gets a 4xx in its
// family's shape (never a 5xx), the server stays up, and nothing is written.
#include "world.h"

#include "api/pusher/pusherapp.h"

#include <QDir>
#include <QTest>

using namespace lobby;
using namespace lobby::reliability;
using lobby::chat::ChatService;

namespace {

struct Case
{
    QByteArray method;
    QByteArray path;
    QByteArray body;
    Headers headers;
    int expect = 0;      // 0: any 4xx
    QByteArray raw = {}; // when set, sent as it is instead of method/path/body
};

QByteArray nested(int depth)
{
    return "{\"metadata\":" + QByteArray(depth, '[') + QByteArray(depth, ']') + "}";
}

QByteArray json(const QJsonObject &o)
{
    return compact(o);
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

    std::unique_ptr<World> w;
    int m_cases = 0;

    // Sends every case and checks the refusal, the shape, the row counts and /healthz.
    void run(const QList<Case> &cases)
    {
        for (const Case &c : cases) {
            const auto before = w->counts();
            const HttpResult r = c.raw.isEmpty() ? w->call(c.method, c.path, c.body, c.headers)
                                                 : test::rawExchange(w->port(), c.raw);
            const QByteArray what = (c.raw.isEmpty() ? c.method + ' ' + c.path : c.raw.left(80)) +
                                    " -> " + QByteArray::number(r.status) + ' ' + r.body.left(160);
            ++m_cases;
            QVERIFY2(r.status >= 400 && r.status < 500, what.constData());
            if (c.expect)
                QVERIFY2(r.status == c.expect, what.constData());
            const QString problem = shapeProblem(c.raw.isEmpty() ? c.path : c.raw.split(' ')[1], r);
            QVERIFY2(problem.isEmpty(), qPrintable(problem + " for " + QString::fromUtf8(what)));
            QCOMPARE(w->counts(), before);
            QVERIFY2(w->healthy(), what.constData());
        }
    }

    Headers key(const QString &apiKey) { return {{"X-API-Key", apiKey.toLatin1()}}; }

private Q_SLOTS:
    void initTestCase() { w = std::make_unique<World>(); }

    void cleanupTestCase()
    {
        qInfo("bad input: %d cases, server up after each, nothing written", m_cases);
        w.reset();
    }

    void widget()
    {
        const Tenant &h = w->hotel;
        const QByteArray V = h.visitorId.toLatin1(), S = h.sessionId.toLatin1();
        const Headers k = key(h.apiKey);
        const QString longText(ChatService::maxMessageLength + 1, u'x');
        QList<Case> cases = {
            {"POST", "/api/chats/visitors/", "{not json", {}, 400},
            {"POST", "/api/chats/visitors/", "[]", {}, 400},
            {"POST", "/api/chats/visitors/", "\"text\"", {}, 400},
            {"POST", "/api/chats/visitors/", "null", {}, 400},
            {"POST", "/api/chats/visitors/", "{\"metadata\":\"x\"}", {}, 400},
            {"POST", "/api/chats/visitors/", "{\"metadata\":[1,2]}", {}, 400},
            {"POST", "/api/chats/visitors/", "{\"metadata\":1e999}", {}, 400},
            {"POST", "/api/chats/visitors/", nested(5000), {}, 400},
            {"POST", "/api/chats/visitors/", "{\"metadata\":{\"a\":\"\xff\xfe\"}}", {}, 400},
            {"POST", "/api/chats/visitors/", "{\"metadata\":{\"a\":\"\xc0\xaf\"}}", {}, 400},
            {"POST",
             "/api/chats/visitors/",
             json({{"metadata", QJsonObject{{"a", QString(5000, u'x')}}}}),
             {},
             400},
            {"POST",
             "/api/chats/visitors/",
             "{\"metadata\":{}}" + QByteArray(2 << 20, ' '),
             {},
             413},
            {"POST", "/api/chats/visitors/", "{\"a\":1,\"a\":", {}, 400},
            {"GET", "/api/chats/visitors/not-a-uuid/validate/", {}, {}, 404},
            {"GET", "/api/chats/visitors/%00/validate/", {}, {}, 404},
            {"GET", "/api/chats/visitors/%FF%FE/validate/", {}, {}, 404},
            {"GET", "/api/chats/visitors/'%20OR%201=1%20--/validate/", {}, {}, 404},
            {"GET", "/api/chats/visitors/" + QByteArray(8000, 'a') + "/validate/", {}, {}, 404},
            {"GET", "/api/chats/visitors/..%2F..%2Fhealthz/validate/", {}, {}, 404},
            {"POST", "/api/chats/sessions/", "{}", {}, 400},
            {"POST", "/api/chats/sessions/", "{\"visitor_id\":5}", {}, 400},
            {"POST", "/api/chats/sessions/", "{\"visitor_id\":null}", {}, 400},
            {"POST", "/api/chats/sessions/", "{\"visitor_id\":[\"" + V + "\"]}", {}, 400},
            {"POST", "/api/chats/sessions/", "{\"visitor_id\":\"nobody\"}", {}, 400},
            {"POST",
             "/api/chats/sessions/",
             "{\"visitor_id\":\"" + V + "\",\"metadata\":7}",
             {},
             400},
            {"POST",
             "/api/chats/sessions/",
             "{\"visitor_id\":\"" + V + "\",\"external_user_id\":{}}",
             {},
             400},
            {"POST", "/api/chats/sessions/", "{\"visitor_id\":\"" + V + "\"", {}, 400},
            {"PUT", "/api/chats/sessions/", "{}", {}, 405},
            {"DELETE", "/api/chats/visitors/", {}, {}, 405},
            {"GET", "/api/chats/nothing-here/", {}, {}, 404},
        };
        const QByteArray chatPath = "/api/chats/messages/chat/";
        const auto turn = [&](const QJsonObject &o) { return json(o); };
        for (const QByteArray &path : {chatPath, chatPath + "stream/"}) {
            cases += {
                {"POST",
                 path,
                 turn(
                     {{"message", "hi"}, {"session_id", h.sessionId}, {"visitor_id", h.visitorId}}),
                 {},
                 401},
                {"POST", path,
                 turn(
                     {{"message", "hi"}, {"session_id", h.sessionId}, {"visitor_id", h.visitorId}}),
                 key(h.revokedApiKey), 401},
                {"POST", path,
                 turn(
                     {{"message", "hi"}, {"session_id", h.sessionId}, {"visitor_id", h.visitorId}}),
                 key("lobby_not-a-key"), 401},
                {"POST",
                 path,
                 turn(
                     {{"message", "hi"}, {"session_id", h.sessionId}, {"visitor_id", h.visitorId}}),
                 {{"X-API-Key", "\xff\xfe\x00"}},
                 401},
                {"POST", path, "{bad", k, 400},
                {"POST", path, "{}", k, 400},
                {"POST", path,
                 turn({{"message", 5}, {"session_id", h.sessionId}, {"visitor_id", h.visitorId}}),
                 k, 400},
                {"POST", path,
                 turn({{"message", QJsonValue::Null},
                       {"session_id", h.sessionId},
                       {"visitor_id", h.visitorId}}),
                 k, 400},
                {"POST", path,
                 turn({{"message", "   "},
                       {"session_id", h.sessionId},
                       {"visitor_id", h.visitorId}}),
                 k, 400},
                {"POST", path,
                 turn({{"message", longText},
                       {"session_id", h.sessionId},
                       {"visitor_id", h.visitorId}}),
                 k, 400},
                {"POST", path,
                 turn({{"message", "hi"},
                       {"session_id", QJsonObject{}},
                       {"visitor_id", h.visitorId}}),
                 k, 400},
                {"POST", path,
                 turn({{"message", "hi"},
                       {"session_id", "no-such-session"},
                       {"visitor_id", h.visitorId}}),
                 k, 404},
                {"POST", path,
                 turn({{"message", "hi"},
                       {"session_id", h.sessionId},
                       {"visitor_id", "no-such-visitor"}}),
                 k},
                {"POST", path,
                 turn({{"message", "hi"},
                       {"session_id", h.sessionId},
                       {"visitor_id", h.visitorId},
                       {"client_message_id", 5}}),
                 k, 400},
                {"POST", path,
                 "{\"message\":\"\xed\xa0\x80\",\"session_id\":\"" + S + "\",\"visitor_id\":\"" +
                     V + "\"}",
                 k, 400},
            };
        }
        const QByteArray history = "/api/chats/sessions/" + S + "/messages/?visitor_id=" + V;
        for (const QByteArray &q :
             {QByteArray("&after=-1"), QByteArray("&after=abc"), QByteArray("&limit=0"),
              QByteArray("&limit=100000"), QByteArray("&after=99999999999999999999999"),
              QByteArray("&limit=1e3")})
            cases += Case{"GET", history + q, {}, {}, 400};
        cases += {
            {"GET", "/api/chats/sessions/" + S + "/messages/", {}, {}},
            {"GET", "/api/chats/sessions/nope/messages/?visitor_id=" + V, {}, {}, 404},
            {"GET",
             "/api/chats/sessions/" + S + "/messages/?visitor_id=" + w->other.visitorId.toLatin1(),
             {},
             {},
             403},
            {"GET",
             "/api/chats/sessions/" + S + "/events/?visitor_id=" + V + "&after=x",
             {},
             {},
             400},
            {"GET",
             "/api/chats/sessions/" + S + "/events/?visitor_id=" + V,
             {},
             {{"Last-Event-ID", "-7"}},
             400},
            {"GET",
             "/api/chats/sessions/" + S + "/events/?visitor_id=" + w->other.visitorId.toLatin1(),
             {},
             {},
             403},
        };
        run(cases);
    }

    void v1()
    {
        const Tenant &h = w->hotel;
        const Headers T = World::bearer(h.adminToken), C = World::bearer(h.customerToken);
        const QByteArray cust = QByteArray::number(h.customer.id);
        QList<Case> cases = {
            {"POST", "/api/v1/auth/login", "{bad", {}, 400},
            {"POST", "/api/v1/auth/login", "[1]", {}, 400},
            {"POST", "/api/v1/auth/login", "{\"email\":5,\"password\":\"x\"}", {}, 422},
            {"POST", "/api/v1/auth/login", "{\"email\":null,\"password\":\"x\"}", {}, 422},
            {"POST", "/api/v1/auth/login", "{\"email\":\"a@b\",\"password\":[\"x\"]}", {}, 422},
            {"POST", "/api/v1/auth/login", nested(3000), {}, 400},
            {"POST", "/api/v1/auth/login", "{\"email\":\"\xff\",\"password\":\"x\"}", {}, 400},
            {"POST",
             "/api/v1/auth/login",
             json({{"email", "nobody@one.test"}, {"password", QString(300000, u'p')}}),
             {}},
            {"POST", "/api/v1/customer-auth/login", "{}", {}, 422},
            {"POST", "/api/v1/customer-auth/login", "{\"phone\":5,\"password\":\"x\"}", {}, 422},
            {"POST", "/api/v1/customer-auth/login", "{\"phone\":\"+1\",\"password\":{}}", {}, 422},
            {"POST", "/api/v1/chat/chats", "{}", T, 422},
            {"POST", "/api/v1/chat/chats", "{bad", T, 400},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":\"abc\"}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":-1}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":1.5}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":1e300}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":true}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":null}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":\"99999999999999999999\"}", T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":999999}", T, 404},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":" + cust + ",\"title\":5}", T, 422},
            {"POST", "/api/v1/chat/chats",
             json({{"customer_id", h.customer.id}, {"title", QString(201, u't')}}), T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":" + cust + ",\"initial_message\":[]}",
             T, 422},
            {"POST", "/api/v1/chat/chats",
             json({{"customer_id", h.customer.id},
                   {"initial_message", QString(ChatService::maxMessageLength + 1, u'm')}}),
             T, 422},
            {"POST", "/api/v1/chat/chats", "{\"customer_id\":" + cust + "}", {}, 401},
            {"POST", "/api/v1/chat/chats/customer", "{\"user_id\":\"x\"}", C, 422},
            {"POST", "/api/v1/chat/chats/customer", "{\"user_id\":{}}", C, 422},
            {"POST", "/api/v1/chat/chats/customer", "{}", C, 422},
            {"GET", "/api/v1/chat/chats?is_archived=maybe", {}, T, 422},
            {"DELETE", "/api/v1/chat/chats", {}, T, 405},
            {"GET", "/api/v1/nothing", {}, T, 404},
        };
        for (const QByteArray &id :
             {QByteArray("abc"), QByteArray("-1"), QByteArray("0"),
              QByteArray("99999999999999999999999"), QByteArray("1e3"), QByteArray("%00")})
            cases += Case{"GET", "/api/v1/chat/chats/" + id + "/messages", {}, T, 422};
        const QByteArray messages =
            "/api/v1/chat/chats/" + QByteArray::number(h.appConversation) + "/messages";
        for (const QByteArray &q : {QByteArray("?page=0"), QByteArray("?page=abc"),
                                    QByteArray("?page_size=0"), QByteArray("?page_size=101"),
                                    QByteArray("?page_size=-5"), QByteArray("?page=99999999999")})
            cases += Case{"GET", messages + q, {}, T, 422};
        cases += Case{"GET", "/api/v1/chat/chats/999999/messages", {}, T, 404};

        // Uploads: broken multipart bodies, wrong types, sizes and files.
        QByteArray type;
        const QByteArray pdf = w->multipart("a.pdf", "%PDF-1.4 hello", &type);
        const Headers up = {T.first(), {"Content-Type", type}};
        cases += {
            {"POST", "/api/v1/chat/upload", pdf, {T.first()}, 422},
            {"POST",
             "/api/v1/chat/upload",
             pdf,
             {T.first(), {"Content-Type", "multipart/form-data"}},
             422},
            {"POST", "/api/v1/chat/upload", w->multipart("a.pdf", "%PDF-1.4", &type, "other"), up,
             422},
            {"POST", "/api/v1/chat/upload", w->multipart("a.pdf", {}, &type), up, 422},
            {"POST", "/api/v1/chat/upload", w->multipart("a.txt", "just text", &type), up, 415},
            {"POST", "/api/v1/chat/upload", w->multipart("x.exe", "MZ\x90\x00", &type), up, 415},
            {"POST", "/api/v1/chat/upload",
             w->multipart("big.pdf", "%PDF-" + QByteArray(300 << 10, 'x'), &type), up, 413},
            {"POST", "/api/v1/chat/upload",
             w->multipart("bad.png", QByteArray("\x89PNG\r\n\x1A\n", 8) + QByteArray(64, 'z'),
                          &type),
             up, 422},
            {"POST", "/api/v1/chat/upload", pdf.left(pdf.size() - 20), up, 422},
            {"POST",
             "/api/v1/chat/upload",
             pdf,
             {T.first(), {"Content-Type", "multipart/form-data; boundary=" + QByteArray(300, 'b')}},
             422},
            {"POST", "/api/v1/chat/upload", pdf, {up.last()}, 401},
        };
        // File URLs that try to leave the uploads folder or name someone else's file.
        for (const QByteArray &name :
             {QByteArray("..%2F..%2Flobby.sqlite3"), QByteArray("%2e%2e%2fjwt-secret"),
              QByteArray("lobby.sqlite3"), QByteArray("..%5C..%5Clobby.sqlite3"), QByteArray("%00"),
              QByteArray("..")})
            cases += Case{"GET", "/uploads/chat/" + name, {}, T, 404};
        cases += {
            {"GET", "/uploads/chat/../../lobby.sqlite3", {}, T},
            {"GET", "/static/../lobby.sqlite3", {}, {}},
            {"GET", "/static/%2e%2e/%2e%2e/lobby.sqlite3", {}, {}},
            {"GET", "/static/..%2F..%2Fjwt-secret", {}, {}},
            {"GET", h.uploadUrl.toLatin1(), {}, {}, 401},
            {"GET", h.uploadUrl.toLatin1() + "?token=garbage", {}, {}, 401},
        };
        run(cases);
    }

    // A traversal in the client's file name is accepted, and changes nothing on disk but a
    // randomly named file inside the uploads folder.
    void uploadNamesCannotTraverse()
    {
        const QList<QByteArray> names = {"../../../../tmp/evil.pdf",
                                         "..\\..\\evil.pdf",
                                         "/etc/passwd",
                                         "..",
                                         "\x01\x02<script>.pdf",
                                         QByteArray(5000, 'n') + ".pdf"};
        for (const QByteArray &name : names) {
            QByteArray type;
            const QByteArray body = w->multipart(name, "%PDF-1.4 x", &type);
            const HttpResult r =
                w->call("POST", "/api/v1/chat/upload", body,
                        {World::bearer(w->hotel.adminToken).first(), {"Content-Type", type}});
            ++m_cases;
            QVERIFY2(r.status == 201, name.left(40) + " -> " + r.body);
            const QString display = r.json().value(u"file_name").toString();
            QVERIFY(!display.contains(u'/') && !display.contains(u'\\') && display != u"..");
            QVERIFY(display.size() <= 120);
            const QString url = r.json().value(u"file_url").toString();
            QVERIFY(url.startsWith(u"/uploads/chat/"));
            QVERIFY(QFile::exists(w->uploadsDir() + u'/' + url.mid(14)));
        }
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/evil.pdf")));
        QVERIFY(QDir(w->dataFolder()).entryList({QStringLiteral("*.pdf")}, QDir::Files).isEmpty());
    }

    // The domain itself: a staff read of a message that is not in the conversation is refused
    // before the staff member is made a participant.
    void refusedStaffReadJoinsNothing()
    {
        const auto before = w->counts();
        const auto read =
            w->chat().markRead(w->hotel.roomConversation, w->hotel.staff.actor(), 99999999);
        ++m_cases;
        QVERIFY(!read);
        QCOMPARE(read.error().code, chat::ErrorCode::NotFound);
        QCOMPARE(w->counts(), before);
    }

    void direct()
    {
        const Tenant &h = w->hotel;
        const QList<Case> cases = {
            {"POST", "/api/auth/login/", "{bad", {}, 400},
            {"POST", "/api/auth/login/", "{}", {}, 400},
            {"POST", "/api/auth/login/", "{\"email\":5,\"password\":5}", {}, 400},
            {"POST", "/api/auth/login/", "\"x\"", {}, 400},
            {"POST", "/api/auth/token/refresh/", "{}", {}, 400},
            {"POST", "/api/auth/token/refresh/", "{\"refresh\":5}", {}, 400},
            {"POST", "/api/auth/token/refresh/", "{\"refresh\":\"garbage\"}", {}, 401},
            {"POST", "/api/auth/token/refresh/", json({{"refresh", h.adminToken}}), {}, 401},
            {"POST",
             "/api/auth/token/refresh/",
             json({{"refresh", QString(10000, u'a')}}),
             {},
             401},
            {"POST", "/api/auth/token/refresh/", "{\"refresh\":\"\xff.\xfe.\xfd\"}", {}, 400},
            {"POST", "/api/auth/token/refresh/", nested(2000), {}, 400},
            {"GET", "/ws/chat/" + QByteArray::number(h.staff.id) + "/", {}, {}, 426},
            {"GET", "/api/auth/login/", {}, {}, 405},
        };
        run(cases);
        // Upgrades refused before the handshake, in the {detail} shape.
        const QByteArray token = "?token=" + h.adminToken.toLatin1();
        const QList<QPair<QByteArray, int>> upgrades = {
            {"/ws/chat/abc/" + token, 404},
            {"/ws/chat/-1/" + token, 404},
            {"/ws/chat/99999999999999999999/" + token, 404},
            {"/ws/chat/" + QByteArray::number(w->other.staff.id) + "/" + token, 404},
            {"/ws/chat/" + QByteArray::number(h.admin.id) + "/" + token, 400},
            {"/ws/chat/" + QByteArray::number(h.staff.id) + "/", 401},
            {"/ws/chat/" + QByteArray::number(h.staff.id) + "/?token=%FF%00", 401},
            {"/ws/nothing/", 404},
        };
        for (const auto &[path, status] : upgrades) {
            const auto before = w->counts();
            RawWebSocket ws(w->port(), path);
            ++m_cases;
            QCOMPARE(ws.status(), status);
            HttpResult r;
            r.status = ws.status();
            r.body = ws.handshakeBody();
            QVERIFY2(shapeProblem(path, r).isEmpty(), qPrintable(shapeProblem(path, r)));
            QCOMPARE(w->counts(), before);
        }
        QVERIFY(w->healthy());
    }

    void guest()
    {
        const Tenant &h = w->hotel;
        const QByteArray slug = h.site.slug.toLatin1();
        const QByteArray G = h.guestToken.toLatin1();
        const QByteArray conv = QByteArray::number(h.roomConversation);
        const QByteArray send = "/api/chat/" + slug + "/conversations/" + conv + "/messages/send/";
        const QByteArray history = "/api/chat/" + slug + "/conversations/" + conv + "/messages/";
        const QByteArray init = "/api/chat/" + slug + "/guest-session/room/101/initialize/";
        const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
        const Headers asGuest = {form.first(), World::bearer(h.guestToken).first()};
        QList<Case> cases = {
            {"POST", "/api/chat/no-such-hotel/guest-session/room/101/initialize/", "{}", {}, 404},
            {"POST", "/api/chat/" + slug + "/guest-session/room/999/initialize/", "{}", {}, 404},
            {"POST",
             "/api/chat/" + slug + "/guest-session/room/..%2F101/initialize/",
             "{}",
             {},
             404},
            {"POST", init, "{bad", {}, 400},
            {"POST", init, "{}", {}, 400},
            {"POST", init, "{\"pin\":null}", {}, 400},
            {"POST", init, "{\"pin\":[]}", {}, 400},
            {"POST", init, "{\"pin\":{}}", {}, 400},
            {"POST", init, "[\"1111\"]", {}, 400},
            // Wrong PINs (401, then 429 once the room locks): counted, nothing else stored.
            {"POST", init, "{\"pin\":1e300}", {}},
            {"POST", init, "{\"pin\":-1e300}", {}},
            {"POST", init, json({{"pin", QString(100000, u'1')}}), {}},
            {"POST", init, "{\"pin\":\"\xff\xff\"}", {}, 400},
            {"GET", "/api/chat/guest-session/garbage/validate/", {}, {}, 404},
            {"GET",
             "/api/chat/guest-session/guest_" + QByteArray(5000, 'a') + "/validate/",
             {},
             {},
             404},
            {"GET", "/api/chat/guest-session/guest_%00/validate/", {}, {}, 404},
            {"GET", "/api/chat/guest-session/garbage/unread-count/", {}, {}, 404},
            {"POST", "/api/chat/guest-session/garbage/mark-read/", "{}", {}, 404},
            {"POST", "/api/chat/guest-session/" + G + "/mark-read/", "{bad", {}, 400},
            {"POST",
             "/api/chat/guest-session/" + G + "/mark-read/",
             "{\"message_id\":\"abc\"}",
             {},
             400},
            {"POST",
             "/api/chat/guest-session/" + G + "/mark-read/",
             "{\"message_id\":-5}",
             {},
             400},
            {"POST",
             "/api/chat/guest-session/" + G + "/mark-read/",
             "{\"message_id\":1e300}",
             {},
             400},
            {"POST",
             "/api/chat/guest-session/" + G + "/mark-read/",
             "{\"message_id\":0.5}",
             {},
             400},
            {"POST",
             "/api/chat/guest-session/" + G + "/mark-read/",
             "{\"message_id\":99999999}",
             {},
             404},
            {"POST", send, "{bad", {}, 400},
            {"POST", send, "{}", {}, 400},
            {"POST", send, "{\"sender_type\":\"guest\"}", {}, 401},
            {"POST", send, "{\"sender_type\":5,\"session_token\":\"" + G + "\"}", {}, 400},
            {"POST", send, "{\"sender_type\":\"guest\",\"session_token\":\"" + G + "\"}", {}, 400},
            {"POST",
             send,
             "{\"sender_type\":\"guest\",\"message\":5,\"session_token\":\"" + G + "\"}",
             {},
             400},
            {"POST",
             send,
             "{\"sender_type\":\"guest\",\"message\":null,\"session_token\":\"" + G + "\"}",
             {},
             400},
            {"POST",
             send,
             json({{"sender_type", "guest"},
                   {"message", QString(ChatService::maxMessageLength + 1, u'g')},
                   {"session_token", h.guestToken}}),
             {},
             400},
            {"POST",
             send,
             "{\"sender_type\":\"guest\",\"message\":\"hi\",\"session_token\":\"" + G +
                 "\",\"client_id\":[1]}",
             {}},
            {"POST",
             "/api/chat/" + slug + "/conversations/abc/messages/send/",
             "{\"sender_type\":\"guest\",\"message\":\"hi\",\"session_token\":\"" + G + "\"}",
             {},
             403},
            {"POST",
             "/api/chat/" + slug + "/conversations/99999999999999999999999/messages/send/",
             "{\"sender_type\":\"guest\",\"message\":\"hi\",\"session_token\":\"" + G + "\"}",
             {},
             403},
            {"POST", send, "{\"sender_type\":\"staff\",\"message\":\"hi\",\"staff_id\":1e300}",
             World::bearer(h.adminToken), 403},
            {"POST", send, "{\"sender_type\":\"staff\",\"message\":\"hi\",\"staff_id\":\"x\"}",
             World::bearer(h.adminToken), 403},
            {"GET", history, {}, {}, 401},
            {"GET", history + "?after=-1", {}, World::bearer(h.guestToken), 400},
            {"GET", history + "?after=abc", {}, World::bearer(h.guestToken), 400},
            {"GET", history + "?limit=0", {}, World::bearer(h.guestToken), 400},
            {"GET", history + "?limit=x", {}, World::bearer(h.guestToken), 400},
            {"GET", history + "?limit=99999999999999", {}, World::bearer(h.guestToken), 400},
            {"GET", history, {}, World::bearer("garbage"), 401},
            {"PUT", history, {}, {}, 405},
            {"POST", "/api/chat/pusher/auth/", "socket_id=1.1&channel_name=private-x", form, 401},
            {"POST", "/api/chat/pusher/auth/", "socket_id=abc&channel_name=private-x", asGuest,
             400},
            {"POST", "/api/chat/pusher/auth/", "socket_id=1.1&channel_name=" + QByteArray(300, 'c'),
             asGuest, 400},
            {"POST", "/api/chat/pusher/auth/", "socket_id=1.1&channel_name=public-room", asGuest,
             400},
            {"POST", "/api/chat/pusher/auth/", "socket_id=1.1&channel_name=%FF%FE", asGuest, 400},
            {"POST",
             "/api/chat/pusher/auth/",
             "{bad",
             {World::bearer(h.guestToken).first(), {"Content-Type", "application/json"}},
             400},
            {"POST",
             "/api/chat/pusher/auth/",
             "{\"socket_id\":[1],\"channel_name\":{}}",
             {World::bearer(h.guestToken).first(), {"Content-Type", "application/json"}},
             400},
            {"POST", "/api/chat/pusher/auth/",
             "socket_id=1.1&channel_name=private-" + slug + "-room-101-chat", asGuest,
             400}, // no such socket
            {"GET", "/app/" + w->pusherApp().key.toLatin1() + "?protocol=7", {}, {}, 426},
        };
        run(cases);
    }

    void pusherHttpApi()
    {
        const QByteArray events = "/apps/" + w->pusherApp().appId.toLatin1() + "/events";
        const QByteArray batch = "/apps/" + w->pusherApp().appId.toLatin1() + "/batch_events";
        const auto signedCase = [this](const QByteArray &path, const QByteArray &body, int expect) {
            const HttpResult r = w->pusherApi(path, body);
            ++m_cases;
            const QByteArray what = path + " " + body.left(80) + " -> " +
                                    QByteArray::number(r.status) + " " + r.body.left(120);
            QVERIFY2(r.status == expect, what.constData());
            QVERIFY2(shapeProblem(path, r).isEmpty(), what.constData());
        };
        QStringList many;
        for (int i = 0; i < 101; ++i)
            many << QStringLiteral("c%1").arg(i);
        const QList<QPair<QByteArray, int>> bodies = {
            {"{bad", 400},
            {"{}", 400},
            {"[]", 400},
            {"{\"name\":\"pusher:x\",\"channel\":\"a\",\"data\":\"{}\"}", 400},
            {"{\"name\":5,\"channel\":\"a\",\"data\":\"{}\"}", 400},
            {"{\"name\":\"e\",\"channel\":\"a\"}", 400},
            {"{\"name\":\"e\",\"channel\":\"bad channel!\",\"data\":\"{}\"}", 400},
            {"{\"name\":\"e\",\"channels\":[],\"data\":\"{}\"}", 400},
            {json({{"name", "e"}, {"channels", QJsonArray::fromStringList(many)}, {"data", "x"}}),
             400},
            {json({{"name", "e"}, {"channel", "a"}, {"data", QString(20000, u'd')}}), 413},
            {"{\"name\":\"e\",\"channels\":[5,null],\"data\":\"{}\"}", 400},
            {nested(3000), 400},
        };
        for (const auto &[body, status] : bodies)
            signedCase(events, body, status);
        signedCase(batch, "{\"batch\":[]}", 400);
        signedCase(batch, "{\"batch\":[1,2]}", 400);
        signedCase(batch, "{\"batch\":\"x\"}", 400);
        QJsonArray eleven;
        for (int i = 0; i < 11; ++i)
            eleven.append(QJsonObject{{"name", "e"}, {"channel", "a"}, {"data", "{}"}});
        signedCase(batch, json({{"batch", eleven}}), 400);
        // Unsigned or wrongly signed.
        run({{"POST", events, "{}", {}, 401},
             {"POST", events + "?auth_key=x&auth_timestamp=1&auth_version=1.0", "{}", {}, 401},
             {"POST", "/apps/1/events", "{}", {}, 404},
             {"POST", events + "?auth_key=a&auth_key=b", "{}", {}, 400}});
    }

    void httpFraming()
    {
        QList<Case> cases;
        for (const QByteArray &path :
             {QByteArray("/api/chats/visitors/"), QByteArray("/api/v1/auth/login"),
              QByteArray("/api/chat/pusher/auth/"), QByteArray("/healthz")}) {
            // A head over 32 KiB, as one header and as a flood of small ones.
            cases += Case{
                {},
                {},
                {},
                {},
                431,
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(40 << 10, 'h') + "\r\n\r\n"};
            QByteArray flood = "POST " + path + " HTTP/1.1\r\nHost: x\r\n";
            for (int i = 0; i < 6000; ++i)
                flood += "X-" + QByteArray::number(i) + ": 1\r\n";
            cases += Case{{}, {}, {}, {}, 431, flood + "\r\n"};
            cases += Case{
                {}, {},  {},
                {}, 400, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"};
            cases += Case{
                {}, {},  {},
                {}, 400, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"};
            cases += Case{
                {},  {},
                {},  {},
                413, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999999\r\n\r\n"};
            QByteArray chunked =
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
            for (int i = 0; i < 40; ++i)
                chunked += "8000\r\n" + QByteArray(0x8000, 'c') + "\r\n";
            cases += Case{{}, {}, {}, {}, 413, chunked + "0\r\n\r\n"};
            // A payload that contains "0\r\n\r\n" and blank lines must not end the body early
            // and let the rest pass as new request heads, around the body limit.
            QByteArray sneaky =
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
            const QByteArray payload = "0\r\n\r\n" + QByteArray(0x7ff0, 's') + "\r\n\r\n";
            for (int i = 0; i < 40; ++i)
                sneaky += QByteArray::number(payload.size(), 16) + "\r\n" + payload + "\r\n";
            cases += Case{{}, {}, {}, {}, 413, sneaky + "0\r\n\r\n"};
            cases += Case{{},
                          {},
                          {},
                          {},
                          400,
                          "POST " + path +
                              " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "zz\r\nabc\r\n0\r\n\r\n"};
            cases += Case{{},
                          {},
                          {},
                          {},
                          400,
                          "POST " + path +
                              " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                              "Content-Length: 40\r\n\r\n{}"};
            cases += Case{{},
                          {},
                          {},
                          {},
                          400,
                          "POST " + path +
                              " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"};
        }
        run(cases);
    }

    // A header flood under the limit is an ordinary request.
    void manySmallHeadersAreFine()
    {
        QByteArray flood = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 3000; ++i)
            flood += "X-" + QByteArray::number(i) + ": 1\r\n";
        ++m_cases;
        QCOMPARE(test::rawExchange(w->port(), flood + "Connection: close\r\n\r\n").status, 200);
    }

    // ---- WebSocket frames: junk, binary, oversized, fragmented.

    void v1Socket()
    {
        const Tenant &h = w->hotel;
        RawWebSocket ws(w->port(), "/api/v1/chat/ws/chat/user?token=" + h.adminToken.toLatin1());
        QCOMPARE(ws.status(), 101);
        QVERIFY(ws.nextJson(QStringLiteral("type"), QStringLiteral("connected")));
        const QByteArray chat = QByteArray::number(h.appConversation);
        const QList<QByteArray> junk = {
            "not json",
            "[]",
            "null",
            "{\"type\":5}",
            "{}",
            "{\"type\":\"explode\"}",
            "{\"type\":\"join_chat\",\"chat_id\":\"abc\"}",
            "{\"type\":\"join_chat\",\"chat_id\":1e300}",
            "{\"type\":\"join_chat\",\"chat_id\":-1}",
            "{\"type\":\"join_chat\",\"chat_id\":999999}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat + ",\"content\":\"before join\"}",
            "{\"type\":\"join_chat\",\"chat_id\":" + QByteArray::number(w->other.appConversation) +
                "}",
            nested(3000),
            "{\"type\":\"" + QByteArray(60000, 't') + "\"}",
        };
        const auto before = w->counts();
        for (const QByteArray &frame : junk) {
            ws.sendText(frame);
            ++m_cases;
            QVERIFY2(ws.nextJson(QStringLiteral("type"), QStringLiteral("error")), frame.left(60));
        }
        ws.sendFrame(0x2, "\x00\x01\x02");
        ++m_cases;
        QVERIFY(ws.nextJson(QStringLiteral("type"), QStringLiteral("error")));
        ws.sendText("{\"type\":\"join_chat\",\"chat_id\":" + chat + "}");
        const QList<QByteArray> joinedJunk = {
            "{\"type\":\"send_message\",\"chat_id\":" + chat + ",\"content\":5}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat + "}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"message_type\":\"system\"}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"message_type\":\"image\"}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"media_url\":\"/uploads/chat/../../lobby.sqlite3\"}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"media_url\":\"file:///etc/passwd\"}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"media_url\":\"" + w->other.uploadUrl.toLatin1() + "\"}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"reply_to_message_id\":\"abc\"}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"entity_type\":\"spaceship\",\"entity_id\":1}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat +
                ",\"content\":\"x\",\"appointment_id\":1e300}",
            "{\"type\":\"send_message\",\"chat_id\":" + chat + ",\"content\":\"" +
                QByteArray(ChatService::maxMessageLength + 1, 'x') + "\"}",
            "{\"type\":\"typing\",\"chat_id\":" + chat + ",\"is_typing\":\"yes\"}",
            "{\"type\":\"read_message\",\"chat_id\":" + chat + ",\"message_id\":\"x\"}",
            "{\"type\":\"read_message\",\"chat_id\":" + chat + ",\"message_id\":99999999}",
        };
        for (const QByteArray &frame : joinedJunk) {
            ws.sendText(frame);
            ++m_cases;
            QVERIFY2(ws.nextJson(QStringLiteral("type"), QStringLiteral("error")), frame.left(80));
        }
        QCOMPARE(w->counts(), before);
        ws.sendText("{\"type\":\"ping\"}");
        QVERIFY(ws.nextJson(QStringLiteral("type"), QStringLiteral("pong")));
        // A frame over 64 KiB closes with 1009.
        ws.sendFrame(0x1, QByteArray(70 << 10, ' '));
        ++m_cases;
        QCOMPARE(ws.waitClose(), 1009);
        QVERIFY(w->healthy());
    }

    void directSocket()
    {
        const Tenant &h = w->hotel;
        RawWebSocket ws(w->port(), "/ws/chat/" + QByteArray::number(h.staff.id) +
                                       "/?token=" + h.adminToken.toLatin1());
        QCOMPARE(ws.status(), 101);
        const auto before = w->counts();
        for (const QByteArray &frame :
             {QByteArray("not json"), QByteArray("[]"), QByteArray("{}"),
              QByteArray("{\"message\":5}"), QByteArray("{\"message\":\"   \"}"),
              QByteArray("{\"message\":null}"), nested(3000),
              "{\"message\":\"" + QByteArray(ChatService::maxMessageLength + 1, 'x') + "\"}"}) {
            ws.sendText(frame);
            ++m_cases;
            const auto answer = ws.next();
            QVERIFY2(answer && answer->opcode == 0x1 &&
                         QJsonDocument::fromJson(answer->payload).object().contains(u"error"),
                     frame.left(60));
        }
        ws.sendFrame(0x2, "\x01\x02\x03");
        ++m_cases;
        const auto answer = ws.next();
        QVERIFY(answer && answer->opcode == 0x1);
        QVERIFY(QJsonDocument::fromJson(answer->payload).object().contains(u"error"));
        QCOMPARE(w->counts(), before);
        // A message over 256 KiB in frames of 60 KiB closes with 1009.
        const QByteArray piece(60 << 10, 'a');
        ws.sendFrame(0x1, piece, false);
        for (int i = 0; i < 4; ++i)
            ws.sendFrame(0x0, piece, false);
        ws.sendFrame(0x0, piece, true);
        ++m_cases;
        QCOMPARE(ws.waitClose(), 1009);
        QVERIFY(w->healthy());
    }

    void pusherSocket()
    {
        RawWebSocket ws(w->port(), "/app/" + w->pusherApp().key.toLatin1() + "?protocol=7");
        QCOMPARE(ws.status(), 101);
        QVERIFY(
            ws.nextJson(QStringLiteral("event"), QStringLiteral("pusher:connection_established")));
        const QByteArray roomChannel =
            "private-" + w->hotel.site.slug.toLatin1() + "-room-101-chat";
        const QList<QPair<QByteArray, QString>> junk = {
            {"not json", QStringLiteral("pusher:error")},
            {"[]", QStringLiteral("pusher:error")},
            {"{\"event\":5}", QStringLiteral("pusher:error")},
            {"{\"event\":\"pusher:explode\"}", QStringLiteral("pusher:error")},
            {"{\"event\":\"" + QByteArray(60000, 'e') + "\"}", QStringLiteral("pusher:error")},
            {nested(3000), QStringLiteral("pusher:error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":\"not json\"}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":5}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + QByteArray(300, 'c') +
                 "\"}}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + roomChannel +
                 "\",\"auth\":\"bogus\"}}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + roomChannel +
                 "\",\"auth\":5}}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-x\",\"auth\":\"k:"
             "s\",\"channel_data\":[1]}}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"private-encrypted-x\"}}",
             QStringLiteral("pusher:subscription_error")},
            {"{\"event\":\"client-x\",\"channel\":\"public\",\"data\":{}}",
             QStringLiteral("pusher:error")},
            {"{\"event\":\"client-x\",\"channel\":\"" + roomChannel + "\",\"data\":{}}",
             QStringLiteral("pusher:error")},
            {"{\"event\":\"client-x\",\"channel\":5,\"data\":{}}", QStringLiteral("pusher:error")},
        };
        const auto before = w->counts();
        for (const auto &[frame, answer] : junk) {
            ws.sendText(frame);
            ++m_cases;
            QVERIFY2(ws.nextJson(QStringLiteral("event"), answer), frame.left(80));
        }
        ws.sendFrame(0x2, "\x00\xff");
        ++m_cases;
        QVERIFY(ws.nextJson(QStringLiteral("event"), QStringLiteral("pusher:error")));
        // Unsubscribing from what was never subscribed is a no-op; the socket still answers.
        ws.sendText("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":5}}");
        ws.sendText("{\"event\":\"pusher:ping\",\"data\":{}}");
        QVERIFY(ws.nextJson(QStringLiteral("event"), QStringLiteral("pusher:pong")));
        QCOMPARE(w->counts(), before);
        ws.sendFrame(0x1, QByteArray(65 << 10, ' '));
        ++m_cases;
        QCOMPARE(ws.waitClose(), 1009);
        QVERIFY(w->healthy());
    }
};

QTEST_MAIN(TestBadInput)
#include "tst_badinput.moc"
