// RFC 6455 negatives against each WebSocket endpoint (app v1, direct chat, Pusher), with a
// client that writes its own frames: each protocol violation must close the connection with
// the code the RFC names (1002 protocol error, 1007 invalid payload data), and the server must
// stay up. The frames are parsed by Lobby's own lobby::http::WebSocket, which also enforces the
// two rules QtWebSockets 6.4 did not (masked client frames, UTF-8 judged per message).
#include "world.h"

#include <QtEndian>
#include <QTest>

using namespace lobby;
using namespace lobby::reliability;

namespace {

QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    char bytes[2];
    qToBigEndian(code, bytes);
    return QByteArray(bytes, 2) + reason;
}

} // namespace

class TestWsProtocol : public QObject
{
    Q_OBJECT

    std::unique_ptr<World> w;
    int m_cases = 0;

    std::unique_ptr<RawWebSocket> open(const QByteArray &endpoint)
    {
        const Tenant &h = w->hotel;
        std::unique_ptr<RawWebSocket> ws;
        if (endpoint == "v1") {
            ws = std::make_unique<RawWebSocket>(w->port(), "/api/v1/chat/ws/chat/user?token=" +
                                                               h.adminToken.toLatin1());
            if (!ws->nextJson(QStringLiteral("type"), QStringLiteral("connected")))
                return nullptr;
        } else if (endpoint == "direct") {
            ws = std::make_unique<RawWebSocket>(w->port(),
                                                "/ws/chat/" + QByteArray::number(h.staff.id) +
                                                    "/?token=" + h.adminToken.toLatin1());
        } else {
            ws = std::make_unique<RawWebSocket>(w->port(), "/app/" + w->pusherApp().key.toLatin1() +
                                                               "?protocol=7");
            if (!ws->nextJson(QStringLiteral("event"),
                              QStringLiteral("pusher:connection_established")))
                return nullptr;
        }
        return ws->status() == 101 ? std::move(ws) : nullptr;
    }

private Q_SLOTS:
    void initTestCase() { w = std::make_unique<World>(); }

    void cleanupTestCase()
    {
        qInfo("WebSocket protocol: %d cases", m_cases);
        w.reset();
    }

    void violation_data()
    {
        QTest::addColumn<QByteArray>("endpoint");
        QTest::addColumn<QByteArray>("violation");
        QTest::addColumn<int>("expected");
        const QList<QPair<QByteArray, int>> violations = {
            {"unmasked client frame", 1002},
            {"RSV1 set", 1002},
            {"RSV2 set", 1002},
            {"RSV3 set", 1002},
            {"reserved opcode 3", 1002},
            {"reserved control opcode 11", 1002},
            {"ping over 125 bytes", 1002},
            {"fragmented ping", 1002},
            {"fragmented close", 1002},
            {"continuation without a start", 1002},
            {"new text inside a fragmented message", 1002},
            {"invalid UTF-8 text", 1007},
            {"invalid UTF-8 across fragments", 1007},
            {"overlong UTF-8 encoding", 1007},
            {"UTF-16 surrogate in UTF-8", 1007},
            {"close code 999", 1002},
            {"close code 1005 (reserved)", 1002},
            {"close code 1006 (reserved)", 1002},
            {"close code 1015 (reserved)", 1002},
            {"close code 2999", 1002},
            {"close code 5000", 1002},
            {"close with a 1-byte payload", 1002},
            {"close reason not UTF-8", 1007},
            {"close 1000 (well-formed)", 1000},
            {"close 4000 (application code)", 4000},
        };
        for (const QByteArray endpoint : {"v1", "direct", "pusher"}) {
            for (const auto &[violation, code] : violations)
                QTest::newRow((endpoint + ": " + violation).constData())
                    << endpoint << violation << code;
        }
    }

    void violation()
    {
        QFETCH(QByteArray, endpoint);
        QFETCH(QByteArray, violation);
        QFETCH(int, expected);
        auto ws = open(endpoint);
        QVERIFY(ws);
        ++m_cases;
        const QByteArray ping("{\"type\":\"ping\"}");
        if (violation == "unmasked client frame") {
            ws->sendFrame(0x1, ping, true, false);
        } else if (violation.startsWith("RSV")) {
            ws->sendFrame(0x1, ping, true, true, 1 << ('3' - violation.at(3)));
        } else if (violation == "reserved opcode 3") {
            ws->sendFrame(0x3, ping);
        } else if (violation == "reserved control opcode 11") {
            ws->sendFrame(0xB, {});
        } else if (violation == "ping over 125 bytes") {
            ws->sendFrame(0x9, QByteArray(126, 'p'));
        } else if (violation == "fragmented ping") {
            ws->sendFrame(0x9, "a", false);
            ws->sendFrame(0x0, "b", true);
        } else if (violation == "fragmented close") {
            ws->sendFrame(0x8, closePayload(1000), false);
            ws->sendFrame(0x0, {}, true);
        } else if (violation == "continuation without a start") {
            ws->sendFrame(0x0, ping, true);
        } else if (violation == "new text inside a fragmented message") {
            ws->sendFrame(0x1, "{\"type\":", false);
            ws->sendFrame(0x1, ping, true);
        } else if (violation == "invalid UTF-8 text") {
            ws->sendFrame(0x1, "{\"type\":\"\xff\xfe\"}");
        } else if (violation == "invalid UTF-8 across fragments") {
            ws->sendFrame(0x1, "{\"type\":\"\xe2\x82", false);
            ws->sendFrame(0x0, "\x28\"}", true); // 0x28 is no continuation byte
        } else if (violation == "overlong UTF-8 encoding") {
            ws->sendFrame(0x1, "{\"type\":\"\xc0\xaf\"}");
        } else if (violation == "UTF-16 surrogate in UTF-8") {
            ws->sendFrame(0x1, "{\"type\":\"\xed\xa0\x80\"}");
        } else if (violation.startsWith("close code ")) {
            ws->sendFrame(0x8, closePayload(quint16(violation.mid(11, 4).toInt())));
        } else if (violation == "close with a 1-byte payload") {
            ws->sendFrame(0x8, "\x03");
        } else if (violation == "close reason not UTF-8") {
            ws->sendFrame(0x8, closePayload(1000, "\xff\xfe"));
        } else if (violation == "close 1000 (well-formed)") {
            ws->sendFrame(0x8, closePayload(1000, "bye"));
        } else if (violation == "close 4000 (application code)") {
            ws->sendFrame(0x8, closePayload(4000));
        }
        const int code = ws->waitClose(5000);
        QCOMPARE(code, expected);
        QVERIFY(w->healthy());
    }

    // A valid fragmented message with a ping between its fragments is fine: the ping is
    // answered, the message is read, the connection stays open. Split inside a UTF-8 character,
    // the message is still valid (RFC 6455 8.1 judges the whole message).
    void validFragmentsAndInterleavedPing_data()
    {
        QTest::addColumn<QByteArray>("endpoint");
        QTest::addColumn<bool>("splitCharacter");
        for (const QByteArray endpoint : {"v1", "pusher"}) {
            QTest::newRow((endpoint + ": split between characters").constData())
                << endpoint << false;
            QTest::newRow((endpoint + ": split inside a character").constData())
                << endpoint << true;
        }
    }

    void validFragmentsAndInterleavedPing()
    {
        QFETCH(QByteArray, endpoint);
        QFETCH(bool, splitCharacter);
        auto ws = open(endpoint);
        QVERIFY(ws);
        ++m_cases;
        const QByteArray text =
            endpoint == "v1" ? QByteArray("{\"type\":\"ping\",\"x\":\"\xe2\x82\xac\"}")
                             : QByteArray("{\"event\":\"pusher:ping\",\"data\":\"\xe2\x82\xac\"}");
        const qsizetype split = splitCharacter ? text.indexOf("\xe2") + 1 : text.indexOf("\xe2");
        ws->sendFrame(0x1, text.left(split), false);
        ws->sendFrame(0x9, "mid"); // a control frame may come between fragments
        const auto pong = ws->next();
        QVERIFY2(pong && pong->opcode == 0xA && pong->payload == "mid",
                 pong ? QByteArray::number(pong->opcode) : "none");
        ws->sendFrame(0x0, text.mid(split), true);
        if (endpoint == "v1")
            QVERIFY(ws->nextJson(QStringLiteral("type"), QStringLiteral("pong")));
        else
            QVERIFY(ws->nextJson(QStringLiteral("event"), QStringLiteral("pusher:pong")));
    }
};

QTEST_MAIN(TestWsProtocol)
#include "tst_wsprotocol.moc"
