#pragma once

#include "http/apifamily.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QTcpSocket;
class QTimer;

namespace lobby::http {

struct RequestLimits
{
    qint64 maxJsonBody = 1 << 20;    // 1 MiB for ordinary requests
    qint64 maxUploadBody = 25 << 20; // for the upload paths below
    int maxHeaderBytes = 32 << 10;   // request line and headers together
    QStringList uploadPaths = {QStringLiteral("/api/v1/chat/upload")};
    // A connection's first request head, and every later one from its first byte, must be
    // complete within headTimeoutMs (408 then close); between requests a connection may stay
    // idle for idleTimeoutMs (then it is closed); a body may pause for bodyIdleTimeoutMs.
    int headTimeoutMs = 20'000;
    int idleTimeoutMs = 75'000;
    int bodyIdleTimeoutMs = 60'000;
    // After a refusal, what the client still sends is read and thrown away for up to lingerMs
    // or lingerBytes (or the rest of the declared body, if less), so it reads the answer
    // instead of a reset.
    int lingerMs = 5'000;
    qint64 lingerBytes = 32 << 20;
};

// Whether a request head is a WebSocket opening handshake (RFC 6455 §4.1): GET, `Upgrade:
// websocket`, a `Connection` list naming `upgrade`, and no body. Both the guard and the server
// decide with this, so a connection leaves the guard exactly when it is upgraded.
bool isWebSocketHandshake(const QByteArray &method, const QByteArray &upgrade,
                          const QByteArray &connection, bool hasBody);
// Whether an `Upgrade` value asks for WebSocket (then Qt 6.4 ends the HTTP connection after it).
bool asksForWebSocket(const QByteArray &upgrade);

// Reads a connection's bytes before QHttpServer does, because QHttpServer 6.4 buffers whole
// bodies without limit, never answers "Expect: 100-continue", has no timeouts, and is more
// lenient about framing. It examines every byte once, in order, following request boundaries:
// it knows how many unread bytes it has examined and, after each readyRead, how many of them
// QHttpServer took. It refuses oversized bodies (413) and heads (431), framing that two parsers
// could read differently (400, 501), heads and bodies that do not arrive in time (408), in the
// family's error shape and only once QHttpServer has answered the requests before; it answers
// 100-continue, closes idle connections, and steps aside for a WebSocket handshake.
class RequestGuard : public QObject
{
    Q_OBJECT

public:
    using PathTest = std::function<bool(const QString &path)>;

    // Must be attached before QHttpServer connects to the socket, so this runs first.
    RequestGuard(QTcpSocket *socket, const RequestLimits &limits, QObject *httpServer,
                 PathTest isWebSocketPath);

    // Call right after QHttpServer has connected to the socket's readyRead: from then on the
    // guard also looks after each of QHttpServer's reads.
    void followServerReads();
    // A response stays open (Server-Sent Events): no idle, head or body timeouts until
    // streamEnded(), which starts the wait for the next request. SseStream calls both.
    void streamStarted();
    void streamEnded();

private:
    friend struct RequestGuardFuzzAccess; // tests/fuzz/fuzz_requestguard.cpp feeds consume()

    enum class Phase
    {
        Head,
        Body,
        ChunkedBody,
        Passthrough,
        Refusing, // refused, waiting for QHttpServer to answer the requests before
        Rejected  // answered; discarding what still comes
    };
    enum class Chunk
    {
        SizeLine,
        Data,
        Trailer
    };
    enum class Wait
    {
        None,
        Head,
        Idle,
        Body,
        Refusal, // for QHttpServer to reach a refused request
        Linger   // discarding after a refusal
    };

    void onReadyRead();
    // Accounts for what QHttpServer read since the last look and examines what is new.
    void sync();
    void consume(QByteArray data);
    // Starts the wait that fits the phase: between requests, in a head, or in a body.
    void waitForNextBytes();
    // Most unread bytes the socket may hold: QHttpServer reads nothing behind an open stream
    // or before a refused request is reached, and QTcpSocket would buffer without limit.
    qint64 backlogLimit() const;
    void startRequest(const QByteArray &head);
    bool consumeChunked(QByteArray *data);
    // Scans head bytes as they arrive for bare CR, bare LF and NUL; false when refused.
    bool scanHead();
    ApiFamily familyOfPartialHead() const;
    qint64 serverPosition() const { return m_examinedTotal - m_examinedUnread; }
    void refuse(int status, ApiFamily family, const QString &message);
    void answerRefusal();
    void discard();
    void wait(Wait what);
    void onTimeout();

    QTcpSocket *m_socket;
    const RequestLimits &m_limits;
    QPointer<QObject> m_httpServer;
    PathTest m_isWebSocketPath;
    Phase m_phase = Phase::Head;

    // Positions in the connection's byte stream, counted from its first byte.
    qint64 m_examinedTotal = 0;  // bytes the guard has examined
    qint64 m_examinedUnread = 0; // of those, still unread in the socket (QHttpServer's to take)
    qint64 m_requestStart = 0;   // where the current (or refused) request's head begins

    QByteArray m_head;
    qsizetype m_headScanned = 0;
    qint64 m_remainingBody = 0;
    qint64 m_chunkedBytes = 0; // payload bytes of the chunks so far
    qint64 m_bodyLimit = 0;
    ApiFamily m_family = ApiFamily::Plain;
    Chunk m_chunk = Chunk::SizeLine;
    qint64 m_chunkRemaining = 0; // of the current chunk, its CRLF included
    QByteArray m_chunkLine;

    int m_refusalStatus = 0;
    ApiFamily m_refusalFamily = ApiFamily::Plain;
    QString m_refusalMessage;
    qint64 m_lingerLeft = 0;

    QTimer *m_timer;
    Wait m_waiting = Wait::None;
    bool m_streaming = false;
    qint64 m_pendingOutput = -1; // bytesToWrite() when the idle timer last fired
};

} // namespace lobby::http
