#include "http/ssestream.h"

namespace lobby::http {

SseStream::SseStream(QHttpServerResponder &&responder, const QList<Header> &extraHeaders,
                     int keepAliveMs)
    : m_responder(std::make_unique<QHttpServerResponder>(std::move(responder))),
      m_socket(m_responder->socket())
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
        connect(m_socket, &QAbstractSocket::disconnected, this, &SseStream::onSocketGone);
        connect(m_socket, &QObject::destroyed, this, &SseStream::onSocketGone);
    }
    m_keepAlive.setInterval(keepAliveMs);
    connect(&m_keepAlive, &QTimer::timeout, this, [this] { writeChunk(": keep-alive\n\n"); });
    m_keepAlive.start();
}

SseStream::~SseStream() = default;

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

void SseStream::finish()
{
    if (m_finished || !isOpen())
        return;
    m_finished = true;
    m_keepAlive.stop();
    m_socket->write("0\r\n\r\n");
}

void SseStream::writeChunk(const QByteArray &bytes)
{
    if (m_finished || !isOpen())
        return;
    m_socket->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
}

void SseStream::onSocketGone()
{
    if (m_finished && !m_socket)
        return;
    m_keepAlive.stop();
    const bool wasOpen = !m_finished;
    m_finished = true;
    if (wasOpen)
        Q_EMIT closed();
}

} // namespace lobby::http
