// lobby::http::WebSocket on one end of a socket pair, the test writing and reading raw frames on
// the other: framing in both directions, the closing handshake, a client that stops reading.
#include "http/websocket.h"

#include <QSignalSpy>
#include <QTest>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using lobby::http::WebSocket;
using lobby::http::WebSocketLimits;

namespace {

QByteArray maskedFrame(quint8 opcode, const QByteArray &payload, bool final = true)
{
    QByteArray frame;
    frame.append(char((final ? 0x80 : 0) | opcode));
    const quint64 size = quint64(payload.size());
    if (size < 126) {
        frame.append(char(0x80 | size));
    } else if (size < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char(size >> 8));
        frame.append(char(size & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((size >> shift) & 0xff));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i & 3]));
    return frame;
}

struct Frame
{
    quint8 opcode = 0;
    QByteArray payload;
};

// The test's end of the pair: a blocking client that reads unmasked server frames.
class RawClient
{
public:
    explicit RawClient(int fd) : m_fd(fd) {}
    ~RawClient() { ::close(m_fd); }

    void write(const QByteArray &bytes) const
    {
        QCOMPARE(::send(m_fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL), bytes.size());
    }

    // The next frame, letting the server's event loop run while waiting.
    std::optional<Frame> next(int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (auto frame = takeFrame())
                return frame;
            char chunk[65536];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n > 0)
                m_buffer.append(chunk, n);
            else if (n == 0)
                return std::nullopt; // closed
            else
                QTest::qWait(5);
        }
        return std::nullopt;
    }

    bool sawEndOfStream(int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            char chunk[4096];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n == 0)
                return true;
            if (n < 0)
                QTest::qWait(5);
        }
        return false;
    }

private:
    std::optional<Frame> takeFrame()
    {
        if (m_buffer.size() < 2)
            return std::nullopt;
        const auto *bytes = reinterpret_cast<const quint8 *>(m_buffer.constData());
        quint64 length = bytes[1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return std::nullopt;
            length = (quint64(bytes[2]) << 8) | bytes[3];
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return std::nullopt;
            length = 0;
            for (int k = 2; k < 10; ++k)
                length = (length << 8) | bytes[k];
            header = 10;
        }
        if (quint64(m_buffer.size() - header) < length)
            return std::nullopt;
        Frame frame{quint8(bytes[0] & 0x0f), m_buffer.mid(header, qsizetype(length))};
        m_buffer.remove(0, header + qsizetype(length));
        return frame;
    }

    int m_fd;
    QByteArray m_buffer;
};

quint16 closeCode(const Frame &frame)
{
    return quint16((quint8(frame.payload[0]) << 8) | quint8(frame.payload[1]));
}

} // namespace

class TestWebSocket : public QObject
{
    Q_OBJECT

    WebSocketLimits m_limits;
    std::unique_ptr<WebSocket> m_server;
    std::unique_ptr<RawClient> m_client;

    void openPair(const WebSocketLimits &limits)
    {
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        m_limits = limits;
        m_server = std::make_unique<WebSocket>(fds[0], QHostAddress::LocalHost, m_limits);
        m_client = std::make_unique<RawClient>(fds[1]);
    }

private slots:
    void init() { openPair({}); }

    void cleanup()
    {
        m_server.reset();
        m_client.reset();
    }

    void textMessagesBothWays()
    {
        QSignalSpy received(m_server.get(), &WebSocket::textMessageReceived);
        const QByteArray big(70000, 'x'); // a 64-bit length on the way back
        m_client->write(maskedFrame(0x1, "hello") + maskedFrame(0x1, "caf\xc3\xa9"));
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received.at(0).at(0).toByteArray(), QByteArray("hello"));
        QCOMPARE(received.at(1).at(0).toByteArray(), QByteArray("caf\xc3\xa9"));

        for (const QByteArray &payload : {QByteArray("short"), QByteArray(300, 'm'), big}) {
            m_server->sendText(payload);
            const auto frame = m_client->next();
            QVERIFY(frame);
            QCOMPARE(frame->opcode, quint8(0x1));
            QCOMPARE(frame->payload, payload);
        }
    }

    // One event published to many sockets: each gets the whole frame, also when the next
    // payload has the same size.
    void samePayloadToSeveralSockets()
    {
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        WebSocket second(fds[0], QHostAddress::LocalHost, m_limits);
        RawClient secondClient(fds[1]);
        const QByteArray event("{\"n\":1}");
        m_server->sendText(event);
        second.sendText(event);
        QCOMPARE(m_client->next()->payload, event);
        QCOMPARE(secondClient.next()->payload, event);
        const QByteArray sameSize("{\"n\":2}");
        m_server->sendText(sameSize);
        QCOMPARE(m_client->next()->payload, sameSize);
    }

    void fragmentsAndPingBetweenThem()
    {
        QSignalSpy received(m_server.get(), &WebSocket::textMessageReceived);
        // Split inside the two bytes of "é": each fragment alone is not UTF-8, the message is.
        m_client->write(maskedFrame(0x1, "caf\xc3", false) + maskedFrame(0x9, "p") +
                        maskedFrame(0x0, "\xa9", true));
        const auto pong = m_client->next();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, quint8(0xA));
        QCOMPARE(pong->payload, QByteArray("p"));
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(0).toByteArray(), QByteArray("caf\xc3\xa9"));
    }

    void framesSplitAcrossReads()
    {
        QSignalSpy received(m_server.get(), &WebSocket::binaryMessageReceived);
        const QByteArray frame = maskedFrame(0x2, QByteArray(1000, 'b'));
        for (qsizetype i = 0; i < frame.size(); i += 7) {
            m_client->write(frame.mid(i, 7));
            QTest::qWait(1);
        }
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(0).toByteArray(), QByteArray(1000, 'b'));
    }

    void clientClosesAndServerAnswers()
    {
        QSignalSpy disconnected(m_server.get(), &WebSocket::disconnected);
        m_client->write(maskedFrame(0x8, QByteArray("\x0f\xa0"
                                                    "bye",
                                                    5))); // 4000
        const auto answer = m_client->next();
        QVERIFY(answer);
        QCOMPARE(answer->opcode, quint8(0x8));
        QCOMPARE(closeCode(*answer), quint16(4000));
        QVERIFY(m_client->sawEndOfStream());
        QTRY_COMPARE(disconnected.size(), 1);
        QVERIFY(!m_server->isOpen());
    }

    void serverClosesAndWaitsForTheAnswer()
    {
        QSignalSpy disconnected(m_server.get(), &WebSocket::disconnected);
        m_server->close(WebSocket::ClosePolicyViolated, QStringLiteral("Token expired."));
        const auto close = m_client->next();
        QVERIFY(close);
        QCOMPARE(closeCode(*close), quint16(1008));
        QCOMPARE(close->payload.mid(2), QByteArray("Token expired."));
        QTest::qWait(50);
        QCOMPARE(disconnected.size(), 0); // the handshake is not over yet
        m_client->write(maskedFrame(0x8, QByteArray("\x03\xf0", 2)));
        QVERIFY(m_client->sawEndOfStream());
        QTRY_COMPARE(disconnected.size(), 1);
    }

    void closeTimesOutWithoutAnAnswer()
    {
        WebSocketLimits limits;
        limits.closeTimeoutMs = 100;
        openPair(limits);
        QSignalSpy disconnected(m_server.get(), &WebSocket::disconnected);
        m_server->close();
        QVERIFY(m_client->next());
        QTRY_COMPARE(disconnected.size(), 1);
        QVERIFY(m_client->sawEndOfStream());
    }

    void closeReasonIsCutAtACharacter()
    {
        m_server->close(WebSocket::CloseNormal, QString(200, QChar(0x00e9))); // 2 bytes each
        const auto close = m_client->next();
        QVERIFY(close);
        QVERIFY(close->payload.size() <= 125);
        QVERIFY(WebSocket::isValidUtf8(close->payload.constData() + 2, close->payload.size() - 2));
    }

    void peerGoneEmitsDisconnectedOnce()
    {
        QSignalSpy disconnected(m_server.get(), &WebSocket::disconnected);
        m_client.reset();
        QTRY_COMPARE(disconnected.size(), 1);
        m_server->sendText("after"); // ignored, no second signal
        m_server->abort();
        QTest::qWait(20);
        QCOMPARE(disconnected.size(), 1);
    }

    void abortEmitsDisconnectedFromTheEventLoop()
    {
        QSignalSpy disconnected(m_server.get(), &WebSocket::disconnected);
        m_server->abort();
        QCOMPARE(disconnected.size(), 0);
        QTRY_COMPARE(disconnected.size(), 1);
        QVERIFY(m_client->sawEndOfStream());
    }

    // What the kernel cannot take is queued and written in order once the client reads again;
    // a client that never reads is dropped when the queue passes the limit.
    void slowReaderGetsEverythingInOrder()
    {
        const QByteArray chunk(16 << 10, 'q');
        for (int i = 0; i < 40; ++i) // more than a socket pair's buffers hold
            m_server->sendText(QByteArray::number(i) + chunk);
        QVERIFY(m_server->isOpen());
        for (int i = 0; i < 40; ++i) {
            const auto frame = m_client->next();
            QVERIFY2(frame, QByteArray::number(i));
            QCOMPARE(frame->payload, QByteArray::number(i) + chunk);
        }
    }

    void readerThatNeverReadsIsDropped()
    {
        WebSocketLimits limits;
        limits.maxPendingOutput = 256 << 10;
        openPair(limits);
        QSignalSpy disconnected(m_server.get(), &WebSocket::disconnected);
        const QByteArray chunk(16 << 10, 'q');
        for (int i = 0; i < 200 && m_server->isOpen(); ++i)
            m_server->sendText(QByteArray::number(i) + chunk);
        QVERIFY(!m_server->isOpen());
        QTRY_COMPARE(disconnected.size(), 1);
    }

    void oversizedFrameAndMessage()
    {
        WebSocketLimits limits;
        limits.maxFrame = 1000;
        limits.maxMessage = 1500;
        openPair(limits);
        m_client->write(maskedFrame(0x1, QByteArray(1001, 'a')));
        auto close = m_client->next();
        QVERIFY(close);
        QCOMPARE(closeCode(*close), quint16(1009));

        openPair(limits);
        m_client->write(maskedFrame(0x1, QByteArray(900, 'a'), false) +
                        maskedFrame(0x0, QByteArray(900, 'a'), true));
        close = m_client->next();
        QVERIFY(close);
        QCOMPARE(closeCode(*close), quint16(1009));
    }

    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("plain") << true;
        QTest::newRow("two, three, four bytes")
            << QByteArray("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") << true;
        QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
        QTest::newRow("past U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("overlong three bytes") << QByteArray("\xe0\x80\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("cut short") << QByteArray("\xe2\x82") << false;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("0xff") << QByteArray("\xff") << false;
    }

    void utf8Validation()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QCOMPARE(WebSocket::isValidUtf8(text.constData(), text.size()), valid);
    }

    void handshake()
    {
        // RFC 6455 1.3's example key and answer.
        const QByteArray response = WebSocket::handshakeResponse("dGhlIHNhbXBsZSBub25jZQ==");
        QVERIFY(response.startsWith("HTTP/1.1 101 "));
        QVERIFY(response.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(WebSocket::handshakeResponse("not base64!").isEmpty());
        QVERIFY(WebSocket::handshakeResponse("c2hvcnQ=").isEmpty()); // 5 bytes, not 16
    }
};

QTEST_GUILESS_MAIN(TestWebSocket)
#include "tst_websocket.moc"
