#include "http/requestguard.h"

#include "http/httptypes.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <optional>

#include <sys/socket.h>

namespace lobby::http {

namespace {
constexpr int maxChunkLine = 1024;       // a chunk-size line (with extensions) or trailer line
constexpr int maxTrailerBytes = 8 << 10; // all trailer lines of a chunked body
constexpr int maxChunkSizeDigits = 15;   // stays below 2^63
constexpr int maxLengthDigits = 18;

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != 0 && QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// RFC 9110 §5.5: a field value is visible characters, obs-text, SP and HTAB.
bool isFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7f)
            return false;
    }
    return true;
}

bool isDigits(QByteArrayView text, int maxDigits)
{
    if (text.isEmpty() || text.size() > maxDigits)
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

bool isHexDigits(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > maxChunkSizeDigits)
        return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

// Optional whitespace around field values and list elements (RFC 9110 §5.6.3: SP and HTAB).
QByteArray trimmedOws(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return text.sliced(begin, end - begin).toByteArray();
}

QList<QByteArray> listElements(const QByteArray &value)
{
    QList<QByteArray> elements;
    for (const QByteArray &part : value.split(','))
        elements << trimmedOws(part).toLower();
    return elements;
}
} // namespace

bool asksForWebSocket(const QByteArray &upgrade)
{
    return trimmedOws(upgrade).compare("websocket", Qt::CaseInsensitive) == 0;
}

bool isWebSocketHandshake(const QByteArray &method, const QByteArray &upgrade,
                          const QByteArray &connection, bool hasBody)
{
    return method == "GET" && asksForWebSocket(upgrade) &&
           listElements(connection).contains("upgrade") && !hasBody;
}

RequestGuard::RequestGuard(QTcpSocket *socket, const RequestLimits &limits, QObject *httpServer,
                           PathTest isWebSocketPath)
    : QObject(socket), m_socket(socket), m_limits(limits), m_httpServer(httpServer),
      m_isWebSocketPath(std::move(isWebSocketPath)), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &RequestGuard::onTimeout);
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
    wait(Wait::Head); // the first head is timed from the connection's start
}

void RequestGuard::followServerReads()
{
    connect(m_socket, &QTcpSocket::readyRead, this, [this] {
        if (m_phase != Phase::Passthrough && m_phase != Phase::Rejected)
            sync();
    });
}

void RequestGuard::streamStarted()
{
    m_streaming = true;
    wait(Wait::None);
}

void RequestGuard::streamEnded()
{
    if (!m_streaming)
        return;
    m_streaming = false;
    waitForNextBytes();
}

void RequestGuard::onReadyRead()
{
    if (m_phase == Phase::Rejected) {
        discard();
        return;
    }
    if (m_phase != Phase::Passthrough)
        sync();
}

void RequestGuard::sync()
{
    const qint64 available = m_socket->bytesAvailable();
    // QHttpServer reads one request at a time (in a transaction while it is incomplete, which
    // bytesAvailable() reflects) and leaves the rest for its next readyRead.
    if (available < m_examinedUnread)
        m_examinedUnread = available;
    if (available > backlogLimit()) {
        if (m_httpServer)
            disconnect(m_socket, &QTcpSocket::readyRead, m_httpServer, nullptr);
        m_socket->abort();
        return;
    }
    if (m_phase == Phase::Refusing) {
        if (serverPosition() >= m_requestStart)
            answerRefusal();
        return;
    }
    if (available > m_examinedUnread)
        consume(m_socket->peek(available).mid(m_examinedUnread));
}

void RequestGuard::consume(QByteArray data)
{
    qint64 at = m_examinedTotal; // the stream position of data[0]
    m_examinedTotal += data.size();
    m_examinedUnread += data.size();
    while (!data.isEmpty()) {
        switch (m_phase) {
        case Phase::Head: {
            if (m_head.isEmpty()) {
                // RFC 9112 §2.2: empty lines before a request line are ignored.
                qsizetype blank = 0;
                while (data.size() >= blank + 2 && data[blank] == '\r' && data[blank + 1] == '\n')
                    blank += 2;
                data.remove(0, blank);
                at += blank;
                if (data.isEmpty())
                    break;
                m_requestStart = at;
                m_headScanned = 0;
            }
            const qsizetype searchFrom = qMax<qsizetype>(0, m_head.size() - 3);
            m_head += data;
            data.clear();
            const qsizetype end = m_head.indexOf("\r\n\r\n", searchFrom);
            if (!scanHead())
                return;
            if (end < 0) {
                if (m_head.size() > m_limits.maxHeaderBytes)
                    refuse(431, familyOfPartialHead(),
                           QStringLiteral("Request headers too large."));
                break;
            }
            if (end + 4 > m_limits.maxHeaderBytes) {
                refuse(431, familyOfPartialHead(), QStringLiteral("Request headers too large."));
                return;
            }
            data = m_head.mid(end + 4);
            at = m_requestStart + end + 4;
            const QByteArray head = m_head.left(end);
            m_head.clear();
            startRequest(head);
            break;
        }
        case Phase::Body: {
            const qint64 taken = qMin<qint64>(m_remainingBody, data.size());
            m_remainingBody -= taken;
            data.remove(0, taken);
            at += taken;
            if (m_remainingBody == 0)
                m_phase = Phase::Head;
            break;
        }
        case Phase::ChunkedBody: {
            const qsizetype before = data.size();
            const bool ok = consumeChunked(&data);
            at += before - data.size();
            if (!ok)
                return;
            break;
        }
        case Phase::Passthrough:
        case Phase::Refusing:
        case Phase::Rejected:
            return;
        }
    }
    waitForNextBytes();
}

qint64 RequestGuard::backlogLimit() const
{
    // QHttpServer keeps the request it is reading (in a transaction) unread until it is
    // complete, so one whole request of the largest kind must fit, twice over for chunk framing;
    // while a refusal waits its turn, so must what may follow the refused head.
    const qint64 largestBody = m_limits.uploadPaths.isEmpty()
                                   ? m_limits.maxJsonBody
                                   : qMax(m_limits.maxJsonBody, m_limits.maxUploadBody);
    const qint64 oneRequest = 2 * (m_limits.maxHeaderBytes + largestBody);
    return m_phase == Phase::Refusing ? oneRequest + m_limits.lingerBytes : oneRequest;
}

void RequestGuard::waitForNextBytes()
{
    switch (m_phase) {
    case Phase::Head:
        if (m_head.isEmpty())
            wait(Wait::Idle);
        else if (m_waiting != Wait::Head)
            wait(Wait::Head); // from the head's first byte, not renewed by later ones
        break;
    case Phase::Body:
    case Phase::ChunkedBody:
        wait(Wait::Body);
        break;
    default:
        break;
    }
}

bool RequestGuard::scanHead()
{
    // Two parsers can split a head differently at a bare CR or LF, or stop at a NUL
    // (RFC 9112 §2.2, RFC 9110 §5.5), so such heads are refused rather than guessed at. Only
    // the head is scanned: what follows its blank line is body.
    const qsizetype end = m_head.indexOf("\r\n\r\n", qMax<qsizetype>(0, m_headScanned - 3));
    const qsizetype limit = end < 0 ? m_head.size() : end + 4;
    for (qsizetype i = m_headScanned; i < limit; ++i) {
        const char c = m_head.at(i);
        const char previous = i > 0 ? m_head.at(i - 1) : '\0';
        QString problem;
        if (c == '\0')
            problem = QStringLiteral("NUL in the request head.");
        else if (c == '\n' && previous != '\r')
            problem = QStringLiteral("A request head line must end with CRLF.");
        else if (previous == '\r' && c != '\n')
            problem = QStringLiteral("Bare CR in the request head.");
        if (!problem.isEmpty()) {
            refuse(400, familyOfPartialHead(), problem);
            return false;
        }
    }
    m_headScanned = limit;
    return true;
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
        data->remove(0, newline + 1);
        m_chunkLine.clear();
        return line;
    };
    const auto invalid = [this] {
        refuse(400, m_family, QStringLiteral("Invalid chunked body."));
        return false;
    };
    while (!data->isEmpty() && m_phase == Phase::ChunkedBody) {
        switch (m_chunk) {
        case Chunk::SizeLine: {
            const auto line = takeLine();
            if (!line) {
                if (m_chunkLine.size() > maxChunkLine)
                    return invalid();
                return true;
            }
            // chunk-size [ BWS ";" chunk-ext ] CRLF (RFC 9112 §7.1), the size in hex digits only.
            if (line->size() > maxChunkLine || !line->endsWith("\r\n") ||
                line->chopped(2).contains('\r'))
                return invalid();
            const QByteArray content = line->chopped(2);
            qsizetype sizeEnd = 0;
            while (sizeEnd < content.size() && content[sizeEnd] != ';' && content[sizeEnd] != ' ' &&
                   content[sizeEnd] != '\t')
                ++sizeEnd;
            const QByteArray size = content.left(sizeEnd);
            const QByteArray rest = trimmedOws(content.mid(sizeEnd));
            if (!isHexDigits(size) || !(rest.isEmpty() || rest.startsWith(';')) ||
                !isFieldValue(rest))
                return invalid();
            const qint64 length = size.toLongLong(nullptr, 16);
            m_chunkedBytes += length;
            if (m_chunkedBytes > m_bodyLimit) {
                refuse(413, m_family,
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
            // The two bytes after the payload must be its CRLF.
            for (qint64 i = qMax<qint64>(0, m_chunkRemaining - 2); i < taken; ++i) {
                const char expected = m_chunkRemaining - i == 2 ? '\r' : '\n';
                if (data->at(i) != expected)
                    return invalid();
            }
            m_chunkRemaining -= taken;
            data->remove(0, taken);
            if (m_chunkRemaining == 0)
                m_chunk = Chunk::SizeLine;
            break;
        }
        case Chunk::Trailer: {
            const auto line = takeLine();
            const qint64 used = line ? line->size() : m_chunkLine.size();
            if (used > m_chunkRemaining) {
                refuse(431, m_family, QStringLiteral("Request headers too large."));
                return false;
            }
            if (!line)
                return true;
            if (!line->endsWith("\r\n") || line->chopped(2).contains('\r') ||
                !isFieldValue(line->chopped(2)))
                return invalid();
            m_chunkRemaining -= used;
            if (*line == "\r\n")
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
    const QList<QByteArray> lines = head.split('\n'); // each but the last ends in '\r'
    const auto lineAt = [&lines](qsizetype i) {
        const QByteArray &line = lines.at(i);
        return line.endsWith('\r') ? line.chopped(1) : line;
    };
    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    const QList<QByteArray> requestLine = lineAt(0).split(' ');
    const QByteArray method = requestLine.value(0);
    const QByteArray target = requestLine.value(1);
    const QByteArray version = requestLine.value(2);
    const QString path = QUrl(QString::fromLatin1(target)).path();
    m_family = familyForPath(path);
    m_bodyLimit =
        m_limits.uploadPaths.contains(path) ? m_limits.maxUploadBody : m_limits.maxJsonBody;
    const auto badRequest = [this](const QString &message) { refuse(400, m_family, message); };
    if (requestLine.size() != 3 || !isToken(method) || target.isEmpty() || !isFieldValue(target) ||
        (version != "HTTP/1.1" && version != "HTTP/1.0")) {
        badRequest(QStringLiteral("Invalid request line."));
        return;
    }
    // Qt's parser takes CONNECT for an upgrade and stops after its head, where this guard would
    // go on reading a body or the next request; this server is no proxy.
    if (method == "CONNECT") {
        badRequest(QStringLiteral("CONNECT is not supported."));
        return;
    }

    qint64 contentLength = 0;
    int contentLengths = 0;
    int hosts = 0;
    QList<QByteArray> transferCodings;
    QByteArray upgrade;
    QByteArray connection;
    bool expectContinue = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lineAt(i);
        if (line.startsWith(' ') || line.startsWith('\t')) {
            badRequest(QStringLiteral("Obsolete line folding is not accepted."));
            return;
        }
        const qsizetype colon = line.indexOf(':');
        // RFC 9112 §5.1: no whitespace between a field name and its colon.
        if (colon <= 0 || !isToken(line.left(colon))) {
            badRequest(QStringLiteral("Invalid header line."));
            return;
        }
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = trimmedOws(line.mid(colon + 1));
        if (!isFieldValue(value)) {
            badRequest(QStringLiteral("Invalid header value."));
            return;
        }
        if (name == "content-length") {
            // Two lengths, or anything but digits, could be read differently behind us.
            if (!isDigits(value, maxLengthDigits) || ++contentLengths > 1) {
                badRequest(QStringLiteral("Invalid Content-Length."));
                return;
            }
            contentLength = value.toLongLong();
        } else if (name == "transfer-encoding") {
            transferCodings += listElements(value);
        } else if (name == "host") {
            ++hosts;
        } else if (name == "expect") {
            expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        } else if (name == "upgrade") {
            upgrade += upgrade.isEmpty() ? value : "," + value;
        } else if (name == "connection") {
            connection += connection.isEmpty() ? value : "," + value;
        }
    }
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1, never two.
    if (hosts > 1 || (hosts == 0 && version == "HTTP/1.1")) {
        badRequest(QStringLiteral("A request needs exactly one Host header."));
        return;
    }
    bool chunked = false;
    if (!transferCodings.isEmpty()) {
        // Only a single "chunked" is framing both parsers agree on (RFC 9112 §6.1, §6.3).
        const auto unknown = std::find_if(
            transferCodings.cbegin(), transferCodings.cend(),
            [](const QByteArray &coding) { return !coding.isEmpty() && coding != "chunked"; });
        if (unknown != transferCodings.cend()) {
            refuse(501, m_family,
                   QStringLiteral("Transfer-Encoding '%1' is not supported; send chunked or "
                                  "Content-Length.")
                       .arg(QString::fromLatin1(*unknown)));
            return;
        }
        if (transferCodings != QList<QByteArray>{"chunked"} || version == "HTTP/1.0") {
            badRequest(QStringLiteral("Invalid Transfer-Encoding."));
            return;
        }
        chunked = true;
    }
    if (chunked && contentLengths) {
        badRequest(QStringLiteral("Content-Length and Transfer-Encoding: chunked together."));
        return;
    }
    const bool hasBody = chunked || contentLength > 0;
    if (isWebSocketHandshake(method, upgrade, connection, hasBody) && m_isWebSocketPath &&
        m_isWebSocketPath(path)) {
        m_phase = Phase::Passthrough; // lobby::http::WebSocket takes the connection over
        wait(Wait::None);
        return;
    }
    if (contentLength > m_bodyLimit) {
        m_remainingBody = contentLength; // what the client is about to send, for the linger
        refuse(413, m_family,
               QStringLiteral("Request body too large (limit %1 bytes).").arg(m_bodyLimit));
        return;
    }
    if (expectContinue && hasBody)
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

void RequestGuard::refuse(int status, ApiFamily family, const QString &message)
{
    m_phase = Phase::Refusing;
    m_refusalStatus = status;
    m_refusalFamily = family;
    m_refusalMessage = message;
    // The answers to the requests before this one must go out first; QHttpServer reads up to
    // this request's head and no further. A client that pipelined behind an open stream gets
    // the refusal after lingerMs anyway.
    if (serverPosition() >= m_requestStart)
        answerRefusal();
    else
        wait(Wait::Refusal);
}

void RequestGuard::answerRefusal()
{
    m_phase = Phase::Rejected;
    wait(Wait::None);
    if (m_httpServer)
        disconnect(m_socket, &QTcpSocket::readyRead, m_httpServer, nullptr);
    // Discard up to the rest of a declared body (if the client said how much it sends), at
    // most lingerBytes, measured from the refused request's head.
    const qint64 declared = m_refusalStatus == 413 ? m_remainingBody : 0;
    m_lingerLeft = declared > 0 ? qMin(declared + m_limits.maxHeaderBytes, m_limits.lingerBytes)
                                : m_limits.lingerBytes;
    m_lingerLeft -= qMax<qint64>(0, serverPosition() - m_requestStart);
    m_socket->write(rawResponse(m_refusalStatus, errorBody(m_refusalFamily, m_refusalMessage)));
    m_socket->flush();
    // Once the answer is out, a FIN tells the client it is complete; reading goes on.
    const auto finishWriting = [socket = m_socket] {
        if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    };
    connect(m_socket, &QTcpSocket::bytesWritten, this, finishWriting);
    finishWriting();
    m_timer->start(m_limits.lingerMs);
    m_waiting = Wait::Linger;
    discard();
}

void RequestGuard::discard()
{
    // QHttpServer reads inside a transaction, which would keep every discarded byte.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    const qint64 skipped = m_socket->skip(m_socket->bytesAvailable());
    m_lingerLeft -= qMax<qint64>(0, skipped);
    m_examinedUnread = 0;
    if (m_lingerLeft <= 0)
        m_socket->disconnectFromHost(); // it sent all it declared, or too much
}

void RequestGuard::wait(Wait what)
{
    m_waiting = m_streaming && what != Wait::Refusal ? Wait::None : what;
    switch (m_waiting) {
    case Wait::None:
        m_timer->stop();
        return;
    case Wait::Head:
        m_timer->start(m_limits.headTimeoutMs);
        return;
    case Wait::Idle:
        m_pendingOutput = -1;
        m_timer->start(m_limits.idleTimeoutMs);
        return;
    case Wait::Body:
        m_timer->start(m_limits.bodyIdleTimeoutMs);
        return;
    case Wait::Refusal:
    case Wait::Linger:
        m_timer->start(m_limits.lingerMs);
        return;
    }
}

void RequestGuard::onTimeout()
{
    switch (m_waiting) {
    case Wait::None:
        return;
    case Wait::Head:
        refuse(408, familyOfPartialHead(), QStringLiteral("Request head not received in time."));
        return;
    case Wait::Body:
        refuse(408, m_family, QStringLiteral("Request body not received in time."));
        return;
    case Wait::Idle: {
        // An answer still leaving (a download to a slow client) is not idleness while it moves.
        const qint64 pending = m_socket->bytesToWrite();
        if (pending > 0 && pending != m_pendingOutput) {
            m_pendingOutput = pending;
            m_timer->start(m_limits.idleTimeoutMs);
            return;
        }
        m_socket->abort();
        return;
    }
    case Wait::Refusal:
        answerRefusal();
        return;
    case Wait::Linger:
        m_socket->abort();
        return;
    }
}

} // namespace lobby::http
