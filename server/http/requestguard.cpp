#include "http/requestguard.h"

#include "http/httptypes.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <optional>

namespace lobby::http {

namespace {
constexpr int maxChunkLine = 1024;       // a chunk-size line (with extensions) or trailer line
constexpr int maxTrailerBytes = 8 << 10; // all trailer lines of a chunked body
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
                    reject(431, familyOfPartialHead(),
                           QStringLiteral("Request headers too large."));
                return;
            }
            if (end > m_limits.maxHeaderBytes) {
                reject(431, familyOfPartialHead(), QStringLiteral("Request headers too large."));
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
        case Phase::ChunkedBody:
            if (!consumeChunked(&data))
                return;
            break;
        case Phase::Passthrough:
        case Phase::Rejected:
            return;
        }
    }
}

bool RequestGuard::consumeChunked(QByteArray *data)
{
    // Follows the chunk sizes rather than looking for "0\r\n\r\n", which a chunk's payload may
    // contain: the payload must not be taken for a new request head (and escape the limit).
    const auto takeLine = [this, data]() -> std::optional<QByteArray> {
        const qsizetype newline = data->indexOf('\n');
        if (newline < 0) {
            m_chunkLine += *data;
            data->clear();
            return std::nullopt;
        }
        QByteArray line = m_chunkLine + data->left(newline + 1);
        *data = data->mid(newline + 1);
        m_chunkLine.clear();
        return line;
    };
    while (!data->isEmpty() && m_phase == Phase::ChunkedBody) {
        switch (m_chunk) {
        case Chunk::SizeLine: {
            const auto line = takeLine();
            if (!line) {
                if (m_chunkLine.size() > maxChunkLine) {
                    reject(400, m_family, QStringLiteral("Invalid chunked body."));
                    return false;
                }
                return true;
            }
            QByteArray size = line->trimmed();
            if (const qsizetype semicolon = size.indexOf(';'); semicolon >= 0)
                size = size.left(semicolon).trimmed();
            bool ok = false;
            const qint64 length = size.toLongLong(&ok, 16);
            if (!ok || length < 0 || size.startsWith('-') || size.startsWith('+') ||
                line->size() > maxChunkLine) {
                reject(400, m_family, QStringLiteral("Invalid chunked body."));
                return false;
            }
            m_chunkedBytes += length;
            if (m_chunkedBytes > m_bodyLimit) {
                reject(413, m_family,
                       QStringLiteral("Request body too large (limit %1 bytes).").arg(m_bodyLimit));
                return false;
            }
            if (length == 0) {
                m_chunk = Chunk::Trailer;
                m_chunkRemaining = maxTrailerBytes;
            } else {
                m_chunk = Chunk::Data;
                m_chunkRemaining = length + 2; // the payload and its CRLF
            }
            break;
        }
        case Chunk::Data: {
            const qint64 taken = qMin<qint64>(m_chunkRemaining, data->size());
            m_chunkRemaining -= taken;
            *data = data->mid(taken);
            if (m_chunkRemaining == 0)
                m_chunk = Chunk::SizeLine;
            break;
        }
        case Chunk::Trailer: {
            const auto line = takeLine();
            const qint64 used = line ? line->size() : m_chunkLine.size();
            if (used > m_chunkRemaining) {
                reject(431, m_family, QStringLiteral("Request headers too large."));
                return false;
            }
            if (!line)
                return true;
            m_chunkRemaining -= used;
            if (line->trimmed().isEmpty())
                m_phase = Phase::Head; // the body is complete
            break;
        }
        }
    }
    return true;
}

ApiFamily RequestGuard::familyOfPartialHead() const
{
    const qsizetype lineEnd = m_head.indexOf('\n');
    const QByteArray requestLine =
        m_head.left(lineEnd < 0 ? qMin<qsizetype>(m_head.size(), 8192) : lineEnd);
    const QByteArray target = requestLine.trimmed().split(' ').value(1);
    return familyForPath(QUrl(QString::fromLatin1(target)).path());
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
    int contentLengths = 0;
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
            // Two lengths, or a sign, could be read differently by the parser behind us.
            if (!ok || contentLength < 0 || value.startsWith('+') || ++contentLengths > 1) {
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
    if (chunked && contentLengths) {
        reject(400, m_family,
               QStringLiteral("Content-Length and Transfer-Encoding: chunked together."));
        return;
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
        m_chunk = Chunk::SizeLine;
        m_chunkLine.clear();
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
