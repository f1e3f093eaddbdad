#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>

class QSocketNotifier;

namespace lobby::http {

struct WebSocketLimits
{
    quint64 maxFrame = 64 << 10;
    quint64 maxMessage = 256 << 10;
    // Bytes queued for a client that does not read; past this the connection is dropped.
    qsizetype maxPendingOutput = 4 << 20;
    // `drained` is emitted when the unsent bytes fall to this after having been above it.
    qsizetype outputLowWater = 256 << 10;
    int closeTimeoutMs = 5000; // for the client's answer to our close frame
};

// The server side of one WebSocket connection (RFC 6455), on a socket whose HTTP upgrade
// HttpServer has answered. Lobby's own rather than QWebSocket because a server holds thousands
// of these: an idle connection owns one read notifier and no buffers, and the frame of a
// payload that many subscribers receive is encoded once and shared, not copied. The frames of
// one event-loop turn go out together, in one sendmsg() per connection when the turn ends
// (a batch of 50 stored messages is one write per receiver, not 50). It also enforces what
// QtWebSockets 6.4 does not: masked client frames and UTF-8 per message rather than per frame.
//
// `disconnected` is emitted once, from the event loop, never from inside sendText(), close()
// or abort(), so a publisher may write to many connections while some of them fail.
class WebSocket : public QObject
{
    Q_OBJECT

public:
    enum CloseCode : quint16
    {
        CloseNormal = 1000,
        CloseGoingAway = 1001,
        CloseProtocolError = 1002,
        CloseInvalidPayload = 1007,
        ClosePolicyViolated = 1008,
        CloseTooBig = 1009,
    };

    // Takes ownership of `descriptor` (a connected, non-blocking TCP socket).
    WebSocket(int descriptor, QHostAddress peer, const WebSocketLimits &limits,
              QObject *parent = nullptr);
    ~WebSocket() override;

    bool isOpen() const { return m_state == State::Open; }
    // Bytes queued and not yet taken by the kernel (what maxPendingOutput bounds).
    qsizetype bytesToWrite() const { return m_pendingOutput - m_outputOffset; }
    // Whether the queue is at or below the low-water mark (past it, wait for `drained`).
    bool wantsMoreOutput() const { return bytesToWrite() <= m_limits.outputLowWater; }
    QHostAddress peerAddress() const { return m_peer; }

    // Sends one text message. Handing the same QByteArray to many connections in a row (a
    // published event) reuses the frame encoded for the first one.
    void sendText(const QByteArray &utf8);
    // Starts the closing handshake: `code` must be one a close frame may carry (1000-1003,
    // 1007-1014, 3000-4999).
    void close(quint16 code = CloseNormal, const QString &reason = {});
    // Closes the connection when `msecsSinceEpoch` passes (e.g. when the token that opened it
    // expires). The timer is the connection's own, so it goes with a connection closed earlier.
    void closeAt(qint64 msecsSinceEpoch, quint16 code, const QString &reason);
    // Drops the connection without a closing handshake (the client sees 1006).
    void abort();

    // The HTTP answer that completes an upgrade, or an empty array when `key` is not a valid
    // Sec-WebSocket-Key.
    static QByteArray handshakeResponse(const QByteArray &key);
    static bool isValidUtf8(const char *data, qsizetype size);

signals:
    void textMessageReceived(const QByteArray &utf8);
    void binaryMessageReceived(const QByteArray &data);
    // The client has read enough that bytesToWrite() is back at the low-water mark: time to
    // queue the next part of something long (a history), which then waits in the kernel and not
    // here. Emitted from the flush, after the frames went out.
    void drained();
    void disconnected();

private:
    enum class State
    {
        Open,
        Closing,  // our close frame is sent; waiting for the client's
        Flushing, // closed; the last bytes are still going out
        Closed
    };

    void onReadable();
    // Parses whole frames from `data`; returns how many bytes were used.
    qsizetype parseFrames(const char *data, qsizetype size);
    // false when the connection ended while handling the frame.
    bool handleFrame(quint8 opcode, bool final, QByteArray payload);
    bool handleClose(const QByteArray &payload);
    void fail(quint16 code, const QString &reason);
    void writeBytes(const QByteArray &bytes);
    void flush();
    void emitDrainedIfLow();
    void scheduleFlush();
    friend class FlushQueue;
    void finish();
    void endNow();
    void emitDisconnectedLater();

    int m_fd;
    QHostAddress m_peer;
    WebSocketLimits m_limits;
    State m_state = State::Open;
    QSocketNotifier *m_readNotifier;
    QSocketNotifier *m_writeNotifier = nullptr; // created when the kernel's buffer first fills
    QByteArray m_input;                         // an incomplete frame, if any
    QByteArray m_message;                       // the fragments of a message so far
    quint8 m_messageOpcode = 0;                 // 0: no fragmented message in progress
    QList<QByteArray> m_output;                 // queued frames (shared, not copied)
    qsizetype m_outputOffset = 0;               // of the first queued frame
    qsizetype m_pendingOutput = 0;
    bool m_disconnectedEmitted = false;
    bool m_flushScheduled = false;
    bool m_aboveLowWater = false;
};

} // namespace lobby::http
