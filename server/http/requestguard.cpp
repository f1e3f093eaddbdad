#include "http/requestguard.h"

#include "http/httptypes.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace lobby::http {

namespace {
// Bytes a chunked body may spend on chunk-size lines beyond its payload.
constexpr qint64 chunkFramingAllowance = 64 << 10;
constexpr int rejectedLingerMs = 5000;
} // namespace

RequestGuard::RequestGuard(QTcpSocket *socket, const RequestLimits &limits, QObject *httpServer)
    : QObject(socket), m_socket(socket), m_limits(limits), m_httpServer(httpServer)
{
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
}

void RequestGuard::onReadyRead()
{
    if (m_phase == Phase::Rejected) {
        drain();
        return;
    }
    if (m_phase == Phase::Passthrough)
        return;
    // QHttpServer reads everything on each readyRead, so what is buffered now is new.
    consume(m_socket->peek(m_socket->bytesAvailable()));
}

void RequestGuard::consume(QByteArray data)
{
    while (!data.isEmpty()) {
        switch (m_phase) {
        case Phase::Head: {
            m_head += data;
            data.clear();
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_head.size() > m_limits.maxHeaderBytes)
                    reject(431, ApiFamily::Plain, QStringLiteral("Request headers too large."));
                return;
            }
            if (end > m_limits.maxHeaderBytes) {
                reject(431, ApiFamily::Plain, QStringLiteral("Request headers too large."));
                return;
            }
            data = m_head.mid(end + 4);
            const QByteArray head = m_head.left(end);
            m_head.clear();
            startRequest(head);
            if (m_phase == Phase::Rejected || m_phase == Phase::Passthrough)
                return;
            break;
        }
        case Phase::Body: {
            const qint64 taken = qMin<qint64>(m_remainingBody, data.size());
            m_remainingBody -= taken;
            data = data.mid(taken);
            if (m_remainingBody == 0)
                m_phase = Phase::Head;
            break;
        }
        case Phase::ChunkedBody: {
            m_chunkedBytes += data.size();
            if (m_chunkedBytes > m_bodyLimit + chunkFramingAllowance) {
                reject(413, m_family,
                       QStringLiteral("Request body too large (limit %1 bytes).").arg(m_bodyLimit));
                return;
            }
            m_chunkTail = (m_chunkTail + data).right(5);
            data.clear();
            if (m_chunkTail == "0\r\n\r\n")
                m_phase = Phase::Head;
            break;
        }
        case Phase::Passthrough:
        case Phase::Rejected:
            return;
        }
    }
}

void RequestGuard::startRequest(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QString path = QUrl(QString::fromLatin1(requestLine.value(1))).path();
    m_family = familyForPath(path);
    m_bodyLimit =
        m_limits.uploadPaths.contains(path) ? m_limits.maxUploadBody : m_limits.maxJsonBody;

    qint64 contentLength = 0;
    bool chunked = false;
    bool expectContinue = false;
    bool upgrade = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed().toLower();
        if (name == "content-length") {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0) {
                reject(400, m_family, QStringLiteral("Invalid Content-Length."));
                return;
            }
        } else if (name == "transfer-encoding") {
            chunked = value.contains("chunked");
        } else if (name == "expect") {
            expectContinue = value == "100-continue";
        } else if (name == "upgrade") {
            upgrade = true;
        }
    }
    if (upgrade) {
        m_phase = Phase::Passthrough; // QtWebSockets takes the socket and enforces frame limits
        return;
    }
    if (contentLength > m_bodyLimit) {
        reject(413, m_family,
               QStringLiteral("Request body too large (limit %1 bytes).").arg(m_bodyLimit));
        return;
    }
    if (expectContinue && (contentLength > 0 || chunked))
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (chunked) {
        m_phase = Phase::ChunkedBody;
        m_chunkedBytes = 0;
        m_chunkTail.clear();
    } else if (contentLength > 0) {
        m_phase = Phase::Body;
        m_remainingBody = contentLength;
    } else {
        m_phase = Phase::Head;
    }
}

void RequestGuard::drain()
{
    // QHttpServer reads inside a transaction, which would keep every discarded byte.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->skip(m_socket->bytesAvailable());
}

void RequestGuard::reject(int status, ApiFamily family, const QString &message)
{
    m_phase = Phase::Rejected;
    if (m_httpServer)
        disconnect(m_socket, &QTcpSocket::readyRead, m_httpServer, nullptr);
    drain();
    m_socket->write(rawResponse(status, errorBody(family, message)));
    m_socket->disconnectFromHost();
    // A client that keeps sending after the answer is cut off.
    QPointer<QTcpSocket> socket = m_socket;
    QTimer::singleShot(rejectedLingerMs, m_socket, [socket] {
        if (socket)
            socket->abort();
    });
}

} // namespace lobby::http
