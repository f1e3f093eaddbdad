#include "world.h"

#include "api/pusher/pusherapp.h"
#include "auth/jwt.h"
#include "auth/passwords.h"
#include "http/apifamily.h"
#include "store/store.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QSqlQuery>
#include <QtEndian>
#include <QTest>

namespace lobby::reliability {

using namespace lobby::chat;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

namespace {

QByteArray pngBytes()
{
    QImage image(16, 16, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return buffer.data();
}

Account makeAccount(ChatService &chat, qint64 siteId, AccountKind kind, const QString &email,
                    const QString &phone)
{
    return test::createAccount(
        chat,
        {.siteId = siteId,
         .kind = kind,
         .email = email,
         .phone = phone,
         .jobTitle = kind == AccountKind::Staff ? QStringLiteral("Receptionist") : QString()});
}

} // namespace

World::World(const http::ServerLimits &limits)
{
    m_db = std::make_unique<test::TestDatabase>();
    m_secret = QByteArray(48, 'r');
    m_pusherApp = {QStringLiteral("4242424"), QStringLiteral("0123456789abcdef0123"),
                   QByteArray("reliability-pusher-secret-0123456789")};
    ServerConfig config;
    config.limits = limits;
    config.jwtSecret = m_secret;
    config.uploadsDir = uploadsDir();
    config.maxUploadBytes = 256 << 10;
    config.pusherApp = m_pusherApp;
    config.widget.handoffWaitMs = 200;
    config.widget.chunkIntervalMs = 1;
    m_server = std::make_unique<LobbyServer>(m_db->chat(), config);
    QString error;
    if (!m_server->listen(QHostAddress::LocalHost, 0, &error))
        qFatal("listen: %s", qPrintable(error));
    m_port = m_server->http().port();
    buildTenant(hotel, QStringLiteral("hotel-killarney"), SiteKind::Hotel, QStringLiteral("one"));
    buildTenant(other, QStringLiteral("salon-other"), SiteKind::Hotel, QStringLiteral("two"));
}

World::~World()
{
    m_server.reset();
    m_db.reset();
}

void World::buildTenant(Tenant &t, const QString &slug, SiteKind kind, const QString &prefix)
{
    ChatService &chat = m_db->chat();
    t.site = m_db->site(slug);
    Q_UNUSED(kind);
    const QString domain = prefix + QStringLiteral(".test");
    t.admin = makeAccount(chat, t.site.id, AccountKind::Staff, "admin@" + domain, {});
    t.staff = makeAccount(chat, t.site.id, AccountKind::Staff, "maria@" + domain, {});
    t.customer = makeAccount(chat, t.site.id, AccountKind::Customer, "alex@" + domain,
                             "+1555" + QString::number(qHash(domain) % 100000));
    t.customer2 = makeAccount(chat, t.site.id, AccountKind::Customer, "bea@" + domain,
                              "+1556" + QString::number(qHash(domain) % 100000));
    const auto issue = [this](const Account &a) { return m_server->tokens().issue(a); };
    t.adminToken = issue(t.admin).access;
    t.adminRefresh = issue(t.admin).refresh;
    t.staffToken = issue(t.staff).access;
    t.customerToken = issue(t.customer).access;
    t.customerRefresh = issue(t.customer).refresh;
    t.customer2Token = issue(t.customer2).access;

    t.roomPin = prefix == u"one" ? QStringLiteral("1111") : QStringLiteral("3333");
    t.room2Pin = prefix == u"one" ? QStringLiteral("2222") : QStringLiteral("4444");
    t.room =
        chat.createRoom(t.site.id, QStringLiteral("101"), auth::hashPassword(t.roomPin)).value();
    t.room2 =
        chat.createRoom(t.site.id, QStringLiteral("102"), auth::hashPassword(t.room2Pin)).value();
    chat.addFaqEntry(t.site.id, QStringLiteral("When is breakfast served?"),
                     QStringLiteral("Breakfast is served from 7 to 10 in the garden room."));
    chat.addFaqEntry(t.site.id, QStringLiteral("What is the Wi-Fi password?"),
                     QStringLiteral("The Wi-Fi network is Lobby-Guest, password welcome2024."));

    const auth::NewApiKey key = auth::generateApiKey();
    chat.createApiKey(t.site.id, QStringLiteral("website"), key.prefix, key.hash);
    t.apiKey = key.key;
    const auth::NewApiKey revoked = auth::generateApiKey();
    const auto revokedKey =
        chat.createApiKey(t.site.id, QStringLiteral("old"), revoked.prefix, revoked.hash);
    chat.revokeApiKey(t.site.id, revokedKey->id);
    t.revokedApiKey = revoked.key;

    // Guests, through the REST API as a phone would.
    const auto startGuest = [&](const Room &room, const QString &pin, qint64 *conversation) {
        const HttpResult r = callJson("POST",
                                      "/api/chat/" + slug.toUtf8() + "/guest-session/room/" +
                                          room.number.toUtf8() + "/initialize/",
                                      {{"pin", pin}});
        if (r.status != 200)
            qFatal("guest initialize: %d %s", r.status, r.body.constData());
        *conversation = r.json().value(u"conversation_id").toInteger();
        return r.json().value(u"session_token").toString();
    };
    t.guestToken = startGuest(t.room, t.roomPin, &t.roomConversation);
    t.guest2Token = startGuest(t.room2, t.room2Pin, &t.room2Conversation);
    callJson("POST",
             "/api/chat/" + slug.toUtf8() + "/conversations/" +
                 QByteArray::number(t.roomConversation) + "/messages/send/",
             {{"message", "Could I get more towels?"},
              {"sender_type", "guest"},
              {"session_token", t.guestToken}});

    // A website visitor whose session chatted with this site's key.
    t.visitorId = callJson("POST", "/api/chats/visitors/", {}).json()[u"data"][u"id"].toString();
    t.sessionId = callJson("POST", "/api/chats/sessions/", {{"visitor_id", t.visitorId}})
                      .json()[u"data"][u"id"]
                      .toString();
    const HttpResult chatted = callJson("POST", "/api/chats/messages/chat/",
                                        {{"message", "When is breakfast served?"},
                                         {"session_id", t.sessionId},
                                         {"visitor_id", t.visitorId}},
                                        {{"X-API-Key", t.apiKey.toLatin1()}});
    if (chatted.status != 200)
        qFatal("widget chat: %d %s", chatted.status, chatted.body.constData());
    t.widgetConversation = chat.widgetChatForVisitor(t.sessionId, t.visitorId)->conversation.id;

    // App conversations, and an image the customer uploaded and sent.
    const auto openApp = [&](const Account &customer) {
        NewConversation request;
        request.siteId = t.site.id;
        request.kind = ConversationKind::App;
        request.title = QStringLiteral("Chat with %1").arg(customer.name);
        request.handlerAccountId = t.admin.id;
        request.participants = {t.admin.actor(), customer.actor()};
        MessageDraft draft;
        draft.content = QStringLiteral("Hello from the front desk");
        return chat.openConversationWithMessage(request, t.admin.actor(), draft)->conversation.id;
    };
    t.appConversation = openApp(t.customer);
    t.app2Conversation = openApp(t.customer2);
    QByteArray contentType;
    const QByteArray body = multipart("photo.png", pngBytes(), &contentType);
    const HttpResult uploaded = call(
        "POST", "/api/v1/chat/upload", body,
        {{"Authorization", "Bearer " + t.customerToken.toLatin1()}, {"Content-Type", contentType}});
    if (uploaded.status != 201)
        qFatal("upload: %d %s", uploaded.status, uploaded.body.constData());
    t.uploadUrl = uploaded.json().value(u"file_url").toString();
    MessageDraft image;
    image.type = MessageType::Image;
    image.mediaUrl = t.uploadUrl;
    chat.postMessage(t.appConversation, t.customer.actor(), image);
}

HttpResult World::call(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                       const Headers &headers)
{
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    bool hasType = false;
    for (const auto &header : headers) {
        raw += header.first + ": " + header.second + "\r\n";
        hasType = hasType || header.first.toLower() == "content-type";
    }
    if (!body.isEmpty() || method == "POST") {
        if (!hasType)
            raw += "Content-Type: application/json\r\n";
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    raw += "Connection: close\r\n\r\n" + body;
    return test::rawExchange(m_port, raw);
}

HttpResult World::callJson(const QByteArray &method, const QByteArray &path,
                           const QJsonObject &body, const Headers &headers)
{
    return call(method, path, compact(body), headers);
}

Headers World::bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

HttpResult World::pusherApi(const QByteArray &path, const QByteArray &body)
{
    QList<QPair<QString, QString>> params = {
        {QStringLiteral("auth_key"), m_pusherApp.key},
        {QStringLiteral("auth_timestamp"), QString::number(QDateTime::currentSecsSinceEpoch())},
        {QStringLiteral("auth_version"), QStringLiteral("1.0")},
        {QStringLiteral("body_md5"),
         QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex())}};
    const QByteArray signature = api::pusher::hmacHex(
        m_pusherApp.secret,
        api::pusher::requestStringToSign("POST", QString::fromUtf8(path), params));
    QByteArray query;
    for (const auto &p : params)
        query += (query.isEmpty() ? "?" : "&") + p.first.toUtf8() + '=' + p.second.toUtf8();
    query += "&auth_signature=" + signature;
    return call("POST", path + query, body);
}

QByteArray World::multipart(const QByteArray &fileName, const QByteArray &data,
                            QByteArray *contentType, const QByteArray &field)
{
    const QByteArray boundary = "----reliabilityboundary7MA4YWxkTrZu0gW";
    *contentType = "multipart/form-data; boundary=" + boundary;
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field +
           "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
           data + "\r\n--" + boundary + "--\r\n";
}

QString World::expiredToken(const Account &account) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return auth::JwtCodec(m_secret).encode({account.id, account.kind, account.siteId,
                                            auth::TokenUse::Access, now.addSecs(-7200),
                                            now.addSecs(-3600), QStringLiteral("expired")});
}

QString World::algNoneToken(const Account &account) const
{
    const auto part = [](const QJsonObject &o) {
        return compact(o).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + 3600;
    return QString::fromLatin1(part({{"alg", "none"}, {"typ", "JWT"}}) + '.' +
                               part({{"sub", QString::number(account.id)},
                                     {"user_id", account.id},
                                     {"kind", wireName(account.kind)},
                                     {"site_id", account.siteId},
                                     {"token_type", "access"},
                                     {"iat", exp - 3600},
                                     {"exp", exp},
                                     {"jti", "none"}}) +
                               '.');
}

QString World::wrongSignatureToken(const Account &account) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return auth::JwtCodec(QByteArray(48, 'x'))
        .encode({account.id, account.kind, account.siteId, auth::TokenUse::Access, now,
                 now.addSecs(3600), QStringLiteral("forged")});
}

QMap<QString, qint64> World::counts()
{
    static const QStringList tables = {
        QStringLiteral("sites"),          QStringLiteral("accounts"),
        QStringLiteral("rooms"),          QStringLiteral("visitors"),
        QStringLiteral("conversations"),  QStringLiteral("widget_sessions"),
        QStringLiteral("guest_sessions"), QStringLiteral("participants"),
        QStringLiteral("messages"),       QStringLiteral("read_receipts"),
        QStringLiteral("api_keys"),       QStringLiteral("faq_entries"),
        QStringLiteral("uploads")};
    QMap<QString, qint64> out;
    for (const QString &table : tables) {
        QSqlQuery query(m_db->database().handle());
        if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) || !query.next())
            qFatal("count %s", qPrintable(table));
        out.insert(table, query.value(0).toLongLong());
    }
    out.insert(QStringLiteral("upload files"),
               QDir(uploadsDir()).entryList(QDir::Files | QDir::Hidden).size());
    return out;
}

bool World::healthy()
{
    const HttpResult r = call("GET", "/healthz");
    return r.status == 200 && r.json().value(u"status").toString() == u"ok";
}

QString shapeProblem(const QByteArray &path, const HttpResult &result)
{
    const QString p =
        QString::fromUtf8(path.left(path.indexOf('?') < 0 ? path.size() : path.indexOf('?')));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(result.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return QStringLiteral("body is not a JSON object: ") +
               QString::fromUtf8(result.body.left(200));
    const QJsonObject body = document.object();
    if (http::familyForPath(p) == http::ApiFamily::Widget) {
        if (body.value(u"success") != QJsonValue(false) || !body.value(u"message").isString())
            return QStringLiteral("not the widget shape: ") + QString::fromUtf8(result.body);
        return {};
    }
    const QJsonValue detail = body.value(u"detail");
    if (!detail.isString() && !detail.isArray())
        return QStringLiteral("not the {detail} shape: ") + QString::fromUtf8(result.body);
    return {};
}

// ---- RawWebSocket

RawWebSocket::RawWebSocket(quint16 port, const QByteArray &pathAndQuery, const Headers &headers)
    : m_socket(std::make_unique<QTcpSocket>())
{
    m_socket->connectToHost(QHostAddress::LocalHost, port);
    QByteArray request = "GET " + pathAndQuery +
                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n";
    for (const auto &header : headers)
        request += header.first + ": " + header.second + "\r\n";
    m_socket->write(request + "\r\n");
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000) {
        QTest::qWait(2);
        m_buffer += m_socket->readAll();
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            continue;
        const QByteArray head = m_buffer.left(end);
        m_status = head.split(' ').value(1).toInt();
        m_buffer = m_buffer.mid(end + 4);
        if (m_status != 101) {
            qint64 length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            while (m_buffer.size() < length && timer.elapsed() < 5000) {
                QTest::qWait(2);
                m_buffer += m_socket->readAll();
            }
            m_handshakeBody = m_buffer;
        }
        return;
    }
}

void RawWebSocket::sendFrame(int opcode, const QByteArray &payload, bool fin, bool masked, int rsv)
{
    QByteArray frame;
    frame.append(char((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F)));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        frame.append(char(maskBit | char(payload.size())));
    } else if (payload.size() < 65536) {
        frame.append(char(maskBit | 126));
        char length[2];
        qToBigEndian(quint16(payload.size()), length);
        frame.append(length, 2);
    } else {
        frame.append(char(maskBit | 127));
        char length[8];
        qToBigEndian(quint64(payload.size()), length);
        frame.append(length, 8);
    }
    QByteArray data = payload;
    if (masked) {
        const char key[4] = {0x12, 0x34, 0x56, 0x78};
        frame.append(key, 4);
        for (qsizetype i = 0; i < data.size(); ++i)
            data[i] = char(data[i] ^ key[i % 4]);
    }
    m_socket->write(frame + data);
    m_socket->flush();
}

void RawWebSocket::sendRaw(const QByteArray &bytes)
{
    m_socket->write(bytes);
    m_socket->flush();
}

std::optional<RawWebSocket::Frame> RawWebSocket::parse()
{
    if (m_buffer.size() < 2)
        return std::nullopt;
    const quint8 b0 = quint8(m_buffer[0]);
    const quint8 b1 = quint8(m_buffer[1]);
    qsizetype offset = 2;
    quint64 length = b1 & 0x7F;
    if (length == 126) {
        if (m_buffer.size() < 4)
            return std::nullopt;
        length = qFromBigEndian<quint16>(m_buffer.constData() + 2);
        offset = 4;
    } else if (length == 127) {
        if (m_buffer.size() < 10)
            return std::nullopt;
        length = qFromBigEndian<quint64>(m_buffer.constData() + 2);
        offset = 10;
    }
    if (b1 & 0x80)
        offset += 4; // servers do not mask, but be tolerant
    if (quint64(m_buffer.size()) < offset + length)
        return std::nullopt;
    Frame frame{bool(b0 & 0x80), b0 & 0x0F, m_buffer.mid(offset, qsizetype(length))};
    m_buffer = m_buffer.mid(offset + qsizetype(length));
    return frame;
}

std::optional<RawWebSocket::Frame> RawWebSocket::next(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (true) {
        if (auto frame = parse())
            return frame;
        if (timer.elapsed() > timeoutMs || m_socket->state() != QAbstractSocket::ConnectedState)
            return parse();
        QTest::qWait(2);
        m_buffer += m_socket->readAll();
    }
}

std::optional<QJsonObject> RawWebSocket::nextJson(const QString &key, const QString &value,
                                                  int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const auto frame = next(int(timeoutMs - timer.elapsed()));
        if (!frame)
            return std::nullopt;
        if (frame->opcode != 0x1)
            continue;
        const QJsonObject object = QJsonDocument::fromJson(frame->payload).object();
        if (object.value(key).toString() == value)
            return object;
    }
    return std::nullopt;
}

int RawWebSocket::waitClose(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const auto frame = next(int(timeoutMs - timer.elapsed()));
        if (!frame)
            return m_socket->state() == QAbstractSocket::ConnectedState ? 0 : -1;
        if (frame->opcode == 0x8) {
            if (frame->payload.size() < 2)
                return 1005;
            return qFromBigEndian<quint16>(frame->payload.constData());
        }
    }
    return 0;
}

} // namespace lobby::reliability
