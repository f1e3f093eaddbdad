#include "http/ssestream.h"

namespace lobby::http {

namespace {

// QTcpSocket's write buffer (Qt 6.4) keeps a QByteArray of at least 4 KiB by reference, and
// copies anything smaller into the room left in its last 16 KiB block, or into a new block when
// that one is full or is such a shared array. So an SSE stream of large published events and
// small ones (typing, a short reply) spends 16 KiB per small event: the stream counts what Qt
// spends, not the bytes.
constexpr qint64 sharedWriteMinimum = 4096;
constexpr qint64 copiedWriteBlock = 16 << 10;

} // namespace

qint64 SseStream::costOfWrite(qint64 bytes)
{
    if (bytes >= sharedWriteMinimum) {
        m_tailBlockRoom = 0;
        return bytes;
    }
    if (bytes <= m_tailBlockRoom) {
        m_tailBlockRoom -= bytes;
        return bytes;
    }
    m_tailBlockRoom = copiedWriteBlock - bytes;
    return copiedWriteBlock;
}

SseStream::SseStream(QHttpServerResponder &&responder, const QList<Header> &extraHeaders,
                     int keepAliveMs, qsizetype maxQueuedBytes)
    : m_responder(std::make_unique<QHttpServerResponder>(std::move(responder))),
      m_socket(m_responder->socket()), m_maxQueuedBytes(maxQueuedBytes)
{
    m_responder->writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder->writeHeader("Content-Type", "text/event-stream; charset=utf-8");
    m_responder->writeHeader("Cache-Control", "no-cache");
    m_responder->writeHeader("X-Accel-Buffering", "no"); // nginx: pass events through at once
    m_responder->writeHeader("Transfer-Encoding", "chunked");
    for (const Header &header : extraHeaders)
        m_responder->writeHeader(header.first, header.second);
    m_responder->writeBody(QByteArray());
    if (m_socket) {
        // No idle or head timeouts while the response is open; releaseConnection() ends that.
        m_guard = m_socket->findChild<RequestGuard *>(QString(), Qt::FindDirectChildrenOnly);
        if (m_guard)
            m_guard->streamStarted();
        connect(m_socket, &QAbstractSocket::disconnected, this, &SseStream::onSocketGone);
        connect(m_socket, &QObject::destroyed, this, &SseStream::onSocketGone);
        connect(m_socket, &QIODevice::bytesWritten, this, &SseStream::onBytesWritten);
        if (const qint64 head = m_socket->bytesToWrite()) { // the status line and headers
            m_queuedCost = costOfWrite(head);
            m_queued.append({head, m_queuedCost});
        }
    }
    m_keepAlive.setInterval(keepAliveMs);
    connect(&m_keepAlive, &QTimer::timeout, this, [this] { writeChunk(": keep-alive\n\n"); });
    m_keepAlive.start();
}

SseStream::~SseStream()
{
    releaseConnection();
}

void SseStream::releaseConnection()
{
    if (m_guard)
        m_guard->streamEnded();
    m_guard = nullptr;
}

QByteArray SseStream::encode(const QByteArray &data, const QByteArray &id)
{
    QByteArray event;
    if (!id.isEmpty())
        event += "id: " + id + '\n';
    for (const QByteArray &line : data.split('\n'))
        event += "data: " + line + '\n';
    event += '\n';
    return event;
}

void SseStream::feed(std::function<bool()> nextPage)
{
    if (!isOpen())
        return;
    m_nextPage = std::move(nextPage);
    pumpFeed();
}

void SseStream::pumpFeed()
{
    if (m_pumping) // a page's own writes report bytesWritten from inside nextPage
        return;
    m_pumping = true;
    while (m_nextPage && isOpen() && m_queuedCost < feedLowWaterBytes) {
        if (!m_nextPage())
            m_nextPage = {};
    }
    m_pumping = false;
}

void SseStream::finish()
{
    if (!isOpen())
        return;
    m_finished = true;
    m_keepAlive.stop();
    m_nextPage = {};
    m_socket->write("0\r\n\r\n"); // the last write: no more accounting needed
    releaseConnection();
}

void SseStream::writeChunk(const QByteArray &bytes)
{
    if (!isOpen())
        return;
    // An event published to many streams reaches each as the same QByteArray: it is framed
    // once, and QTcpSocket's write buffer shares the framed bytes (a chunk of 4 KiB or more)
    // instead of copying them per stream. Holding the event keeps its address from being
    // reused for other bytes while it is remembered here.
    static thread_local QByteArray lastEvent;
    static thread_local QByteArray lastChunk;
    if (bytes.constData() != lastEvent.constData() || bytes.size() != lastEvent.size()) {
        lastEvent = bytes;
        lastChunk = QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
    }
    const qint64 cost = costOfWrite(lastChunk.size());
    if (m_queuedCost + cost > m_maxQueuedBytes) {
        drop(); // a client that does not read would hold this memory for as long as it likes
        return;
    }
    m_queued.append({lastChunk.size(), cost});
    m_queuedCost += cost;
    m_socket->write(lastChunk);
}

void SseStream::onBytesWritten(qint64 bytes)
{
    while (bytes > 0 && !m_queued.isEmpty()) {
        QueuedWrite &oldest = m_queued.first();
        const qint64 taken = std::min(bytes, oldest.bytesLeft);
        oldest.bytesLeft -= taken;
        bytes -= taken;
        if (oldest.bytesLeft == 0) {
            m_queuedCost -= oldest.cost;
            m_queued.removeFirst();
        }
    }
    if (m_queued.isEmpty()) {
        m_queued = QList<QueuedWrite>(); // an idle stream keeps no list
        m_tailBlockRoom = 0;             // and Qt starts a new block for the next write
    }
    pumpFeed();
}

void SseStream::drop()
{
    m_finished = true;
    m_keepAlive.stop();
    m_nextPage = {};
    releaseConnection();
    // From the event loop: the publisher that got here may be writing to other streams, and
    // QHttpServer is not expecting its socket to disconnect under a write.
    QMetaObject::invokeMethod(m_socket.data(), &QAbstractSocket::abort, Qt::QueuedConnection);
    Q_EMIT closed();
}

void SseStream::onSocketGone()
{
    m_keepAlive.stop();
    m_nextPage = {};
    const bool wasOpen = !m_finished;
    m_finished = true;
    if (wasOpen)
        Q_EMIT closed();
}

} // namespace lobby::http
