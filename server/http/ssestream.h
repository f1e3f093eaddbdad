#pragma once

#include "http/httptypes.h"

#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace lobby::http {

// A Server-Sent Events response: status and headers once, then one chunk (chunked transfer
// encoding) per event. The stream notices when the client goes away (the socket is deleted) and
// says so with `closed`; after that every write is a no-op. A comment line is sent every
// keepAliveMs so proxies and browsers keep the connection open.
class SseStream : public QObject
{
    Q_OBJECT

public:
    SseStream(QHttpServerResponder &&responder, const QList<Header> &extraHeaders,
              int keepAliveMs = 25000);
    ~SseStream() override;

    bool isOpen() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }

    // One event: "id:" (optional), then the data line(s), then a blank line.
    static QByteArray encode(const QByteArray &data, const QByteArray &id = {});
    void send(const QByteArray &data, const QByteArray &id = {}) { sendEncoded(encode(data, id)); }
    // An event encoded once and sent to many streams.
    void sendEncoded(const QByteArray &event) { writeChunk(event); }
    // Ends the response (terminating chunk); the connection stays usable for the client.
    void finish();

Q_SIGNALS:
    void closed();

private:
    void writeChunk(const QByteArray &bytes);
    void onSocketGone();

    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    QTimer m_keepAlive;
    bool m_finished = false;
};

} // namespace lobby::http
