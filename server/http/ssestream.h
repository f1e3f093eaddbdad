#pragma once

#include "http/httptypes.h"
#include "http/requestguard.h"

#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <memory>

namespace lobby::http {

// A Server-Sent Events response: status and headers once, then one chunk (chunked transfer
// encoding) per event. The stream notices when the client goes away (the socket is deleted) and
// says so with `closed`; after that every write is a no-op. A comment line is sent every
// keepAliveMs so proxies and browsers keep the connection open.
//
// What waits for a client that does not read is bounded, as for WebSockets: an event that
// would take the memory queued on the socket past maxQueuedBytes drops the connection instead.
// That memory is counted as QTcpSocket's write buffer spends it (see writeChunk()), not just
// as bytes. Long catch-ups go out through feed(), a page at a time as the client reads.
class SseStream : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype defaultMaxQueuedBytes = 4 << 20;
    // feed() asks for another page while fewer bytes than this wait to be sent.
    static constexpr qsizetype feedLowWaterBytes = 256 << 10;

    SseStream(QHttpServerResponder &&responder, const QList<Header> &extraHeaders,
              int keepAliveMs = 25000, qsizetype maxQueuedBytes = defaultMaxQueuedBytes);
    ~SseStream() override;

    bool isOpen() const
    {
        return !m_finished && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
    }

    // One event: "id:" (optional), then the data line(s), then a blank line.
    static QByteArray encode(const QByteArray &data, const QByteArray &id = {});
    void send(const QByteArray &data, const QByteArray &id = {}) { sendEncoded(encode(data, id)); }
    // An event encoded once and sent to many streams.
    void sendEncoded(const QByteArray &event) { writeChunk(event); }
    // Calls nextPage (which sends some events) now and again each time the queued bytes fall
    // below feedLowWaterBytes, until it returns false: the last page has been sent.
    void feed(std::function<bool()> nextPage);
    bool isFeeding() const { return bool(m_nextPage); }
    // Ends the response (terminating chunk); the connection stays usable for the client.
    void finish();

Q_SIGNALS:
    void closed();

private:
    void writeChunk(const QByteArray &bytes);
    // What a write of `bytes` adds to Qt's write buffer (see ssestream.cpp).
    qint64 costOfWrite(qint64 bytes);
    void onBytesWritten(qint64 bytes);
    void pumpFeed();
    void drop();
    void onSocketGone();
    // Tells the connection's RequestGuard, once, that this response no longer holds it open.
    void releaseConnection();

    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    QTimer m_keepAlive;
    qsizetype m_maxQueuedBytes;
    // What is queued on the socket, write by write, oldest first: bytes not yet taken by the
    // kernel, and what the write costs in memory. Their costs add up to m_queuedCost.
    struct QueuedWrite
    {
        qint64 bytesLeft;
        qint64 cost;
    };
    QList<QueuedWrite> m_queued;
    qint64 m_queuedCost = 0;
    qint64 m_tailBlockRoom = 0; // left in the block Qt copies small writes into
    std::function<bool()> m_nextPage;
    bool m_finished = false;
    bool m_pumping = false;
    QPointer<RequestGuard> m_guard;
};

} // namespace lobby::http
