#include "http/websocket.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <climits>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace lobby::http {

namespace {

enum Opcode : quint8
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// Server frames are never masked, so one encoding serves every connection.
QByteArray encodeFrame(quint8 opcode, const QByteArray &payload)
{
    const quint64 size = quint64(payload.size());
    QByteArray frame;
    frame.reserve(payload.size() + 10);
    frame.append(char(0x80 | opcode));
    if (size < 126) {
        frame.append(char(size));
    } else if (size < 65536) {
        frame.append(char(126));
        frame.append(char(size >> 8));
        frame.append(char(size & 0xff));
    } else {
        frame.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((size >> shift) & 0xff));
    }
    frame.append(payload);
    return frame;
}

QByteArray closePayload(quint16 code, const QString &reason)
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xff));
    QString text = reason;
    while (text.toUtf8().size() > 123) // a control frame carries at most 125 bytes
        text.chop(1);
    payload.append(text.toUtf8());
    return payload;
}

// The codes a close frame may carry (RFC 6455 7.4), as npm `ws` reads them.
bool isSendableCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006) ||
           (code >= 3000 && code <= 4999);
}

bool wouldBlock()
{
    return errno == EAGAIN || errno == EWOULDBLOCK;
}

} // namespace

// The connections of this thread with frames waiting for the end of the event-loop turn. One
// posted event per turn flushes them all.
class FlushQueue : public QObject
{
public:
    static FlushQueue &ofThisThread()
    {
        static thread_local FlushQueue queue;
        return queue;
    }

    void add(WebSocket *socket)
    {
        m_sockets.append(socket);
        if (m_sockets.size() == 1)
            QMetaObject::invokeMethod(this, &FlushQueue::flushAll, Qt::QueuedConnection);
    }
    void remove(WebSocket *socket) { m_sockets.removeOne(socket); }

private:
    void flushAll()
    {
        const QList<WebSocket *> sockets = std::exchange(m_sockets, {});
        for (WebSocket *socket : sockets) {
            socket->m_flushScheduled = false;
            socket->flush();
        }
    }

    QList<WebSocket *> m_sockets;
};

WebSocket::WebSocket(int descriptor, QHostAddress peer, const WebSocketLimits &limits,
                     QObject *parent)
    : QObject(parent), m_fd(descriptor), m_peer(std::move(peer)), m_limits(limits),
      m_readNotifier(new QSocketNotifier(descriptor, QSocketNotifier::Read, this))
{
    connect(m_readNotifier, &QSocketNotifier::activated, this, &WebSocket::onReadable);
}

WebSocket::~WebSocket()
{
    if (m_flushScheduled)
        FlushQueue::ofThisThread().remove(this);
    // The notifiers go before the descriptor they watch.
    delete m_readNotifier;
    delete m_writeNotifier;
    ::close(m_fd);
}

QByteArray WebSocket::handshakeResponse(const QByteArray &key)
{
    const QByteArray trimmed = key.trimmed();
    const auto decoded =
        QByteArray::fromBase64Encoding(trimmed, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 16)
        return {};
    const QByteArray accept =
        QCryptographicHash::hash(trimmed + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                 QCryptographicHash::Sha1)
            .toBase64();
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           accept + "\r\n\r\n";
}

bool WebSocket::isValidUtf8(const char *data, qsizetype size)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    qsizetype i = 0;
    while (i < size) {
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        int continuations = 0;
        char32_t codePoint = 0;
        char32_t smallest = 0;
        if ((lead & 0xE0) == 0xC0) {
            continuations = 1;
            codePoint = lead & 0x1F;
            smallest = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            continuations = 2;
            codePoint = lead & 0x0F;
            smallest = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            continuations = 3;
            codePoint = lead & 0x07;
            smallest = 0x10000;
        } else {
            return false;
        }
        if (size - i <= continuations)
            return false;
        for (int k = 1; k <= continuations; ++k) {
            if ((bytes[i + k] & 0xC0) != 0x80)
                return false;
            codePoint = (codePoint << 6) | (bytes[i + k] & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points past Unicode are not UTF-8.
        if (codePoint < smallest || (codePoint >= 0xD800 && codePoint <= 0xDFFF) ||
            codePoint > 0x10FFFF)
            return false;
        i += continuations + 1;
    }
    return true;
}

void WebSocket::sendText(const QByteArray &utf8)
{
    if (m_state != State::Open)
        return;
    // A published event reaches every subscriber as the same QByteArray; holding it keeps its
    // address from being reused for other bytes while it is remembered here.
    static thread_local QByteArray lastPayload;
    static thread_local QByteArray lastFrame;
    if (utf8.constData() != lastPayload.constData() || utf8.size() != lastPayload.size()) {
        lastPayload = utf8;
        lastFrame = encodeFrame(Text, utf8);
    }
    writeBytes(lastFrame);
}

void WebSocket::close(quint16 code, const QString &reason)
{
    if (m_state != State::Open)
        return;
    Q_ASSERT(isSendableCloseCode(code));
    writeBytes(encodeFrame(Close, closePayload(code, reason)));
    if (m_state != State::Open)
        return; // the write failed and ended the connection
    m_state = State::Closing;
    QTimer::singleShot(m_limits.closeTimeoutMs, this, [this] {
        if (m_state == State::Closing)
            finish();
    });
}

void WebSocket::closeAt(qint64 msecsSinceEpoch, quint16 code, const QString &reason)
{
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, code, reason] { close(code, reason); });
    timer->start(std::chrono::milliseconds(
        std::max<qint64>(0, msecsSinceEpoch - QDateTime::currentMSecsSinceEpoch())));
}

void WebSocket::abort()
{
    endNow();
}

void WebSocket::onReadable()
{
    static thread_local char buffer[64 << 10];
    // A few reads per wakeup, then the other connections get their turn.
    for (int round = 0; round < 4; ++round) {
        const ssize_t received = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && wouldBlock())
            return;
        if (received <= 0) { // the client is gone
            endNow();
            return;
        }
        if (m_state == State::Open || m_state == State::Closing) {
            if (m_input.isEmpty()) {
                const qsizetype used = parseFrames(buffer, received);
                if (used < received && (m_state == State::Open || m_state == State::Closing))
                    m_input.append(buffer + used, received - used);
            } else {
                m_input.append(buffer, received);
                const qsizetype used = parseFrames(m_input.constData(), m_input.size());
                m_input.remove(0, used);
                if (m_input.isEmpty())
                    m_input = QByteArray(); // an idle connection keeps no buffer
            }
        } // otherwise the connection is closing and what the client still sends is dropped
        if (received < qsizetype(sizeof buffer))
            return;
    }
}

qsizetype WebSocket::parseFrames(const char *data, qsizetype size)
{
    qsizetype position = 0;
    while (m_state == State::Open || m_state == State::Closing) {
        const auto *frame = reinterpret_cast<const quint8 *>(data + position);
        const qsizetype available = size - position;
        if (available < 2)
            break;
        const bool final = frame[0] & 0x80;
        const quint8 opcode = frame[0] & 0x0F;
        if (frame[0] & 0x70) {
            fail(CloseProtocolError, QStringLiteral("Reserved bits must be 0."));
            break;
        }
        if (!(frame[1] & 0x80)) {
            fail(CloseProtocolError, QStringLiteral("Client frames must be masked."));
            break;
        }
        quint64 length = frame[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (available < 4)
                break;
            length = (quint64(frame[2]) << 8) | frame[3];
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                break;
            length = 0;
            for (int k = 2; k < 10; ++k)
                length = (length << 8) | frame[k];
            header = 10;
        }
        const bool control = opcode & 0x08;
        if (control && (!final || length > 125)) {
            fail(CloseProtocolError,
                 QStringLiteral("Control frames must be whole and at most 125 bytes."));
            break;
        }
        if (length > m_limits.maxFrame || length > m_limits.maxMessage) {
            fail(CloseTooBig, QStringLiteral("Frame too big."));
            break;
        }
        header += 4; // the masking key
        if (available < header || quint64(available - header) < length)
            break;
        const quint8 *mask = frame + header - 4;
        QByteArray payload(reinterpret_cast<const char *>(frame + header), qsizetype(length));
        char *bytes = payload.data();
        for (qsizetype k = 0; k < payload.size(); ++k)
            bytes[k] = char(bytes[k] ^ mask[k & 3]);
        position += header + qsizetype(length);
        if (!handleFrame(opcode, final, std::move(payload)))
            break;
    }
    return position;
}

bool WebSocket::handleFrame(quint8 opcode, bool final, QByteArray payload)
{
    switch (opcode) {
    case Ping:
        if (m_state == State::Open)
            writeBytes(encodeFrame(Pong, payload));
        return true;
    case Pong:
        return true;
    case Close:
        return handleClose(payload);
    case Text:
    case Binary:
        if (m_messageOpcode) {
            fail(CloseProtocolError, QStringLiteral("A new message inside a fragmented one."));
            return false;
        }
        if (!final) {
            m_messageOpcode = opcode;
            m_message = std::move(payload);
            return true;
        }
        break;
    case Continuation:
        if (!m_messageOpcode) {
            fail(CloseProtocolError, QStringLiteral("A continuation frame without a message."));
            return false;
        }
        if (quint64(m_message.size()) + quint64(payload.size()) > m_limits.maxMessage) {
            fail(CloseTooBig, QStringLiteral("Message too big."));
            return false;
        }
        m_message.append(payload);
        if (!final)
            return true;
        opcode = std::exchange(m_messageOpcode, 0);
        payload = std::exchange(m_message, QByteArray());
        break;
    default:
        fail(CloseProtocolError, QStringLiteral("Reserved opcode."));
        return false;
    }

    if (m_state != State::Open)
        return true; // after our close frame, messages are no longer read
    if (opcode == Text) {
        if (!isValidUtf8(payload.constData(), payload.size())) {
            fail(CloseInvalidPayload, QStringLiteral("Text messages must be UTF-8."));
            return false;
        }
        emit textMessageReceived(payload);
    } else {
        emit binaryMessageReceived(payload);
    }
    return m_state == State::Open; // the handler may have closed the connection
}

bool WebSocket::handleClose(const QByteArray &payload)
{
    if (payload.size() == 1) {
        fail(CloseProtocolError, QStringLiteral("A close frame's code takes two bytes."));
        return false;
    }
    quint16 code = 0;
    if (payload.size() >= 2) {
        code = quint16((quint8(payload[0]) << 8) | quint8(payload[1]));
        if (!isSendableCloseCode(code)) {
            fail(CloseProtocolError, QStringLiteral("Invalid close code."));
            return false;
        }
        if (!isValidUtf8(payload.constData() + 2, payload.size() - 2)) {
            fail(CloseInvalidPayload, QStringLiteral("A close reason must be UTF-8."));
            return false;
        }
    }
    if (m_state == State::Open) // the client started the closing handshake: answer it
        writeBytes(encodeFrame(Close, code ? closePayload(code, {}) : QByteArray()));
    finish();
    return false;
}

void WebSocket::fail(quint16 code, const QString &reason)
{
    if (m_state == State::Open)
        writeBytes(encodeFrame(Close, closePayload(code, reason)));
    finish();
}

void WebSocket::writeBytes(const QByteArray &bytes)
{
    if (m_state == State::Closed)
        return;
    m_output.append(bytes); // shared with every other connection it goes to
    m_pendingOutput += bytes.size();
    if (bytesToWrite() > m_limits.maxPendingOutput) {
        endNow(); // a client that does not read would hold this memory forever
        return;
    }
    if (bytesToWrite() > m_limits.outputLowWater)
        m_aboveLowWater = true;
    scheduleFlush();
}

void WebSocket::scheduleFlush()
{
    if (m_flushScheduled || (m_writeNotifier && m_writeNotifier->isEnabled()))
        return; // the write notifier flushes once the kernel takes more
    m_flushScheduled = true;
    FlushQueue::ofThisThread().add(this);
}

void WebSocket::flush()
{
    while (!m_output.isEmpty() && m_state != State::Closed) {
        iovec parts[64];
        int count = 0;
        for (const QByteArray &frame : std::as_const(m_output)) {
            const qsizetype skip = count == 0 ? m_outputOffset : 0;
            parts[count].iov_base = const_cast<char *>(frame.constData() + skip);
            parts[count].iov_len = size_t(frame.size() - skip);
            if (++count == 64)
                break;
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = size_t(count);
        qsizetype sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && wouldBlock()) {
            if (!m_writeNotifier) {
                m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
                connect(m_writeNotifier, &QSocketNotifier::activated, this, &WebSocket::flush);
            }
            m_writeNotifier->setEnabled(true);
            emitDrainedIfLow();
            return;
        }
        if (sent < 0) {
            endNow();
            return;
        }
        while (sent > 0) {
            const qsizetype left = m_output.constFirst().size() - m_outputOffset;
            if (sent < left) {
                m_outputOffset += sent;
                break;
            }
            sent -= left;
            m_pendingOutput -= m_output.constFirst().size();
            m_outputOffset = 0;
            m_output.removeFirst();
        }
    }
    if (m_state == State::Closed)
        return;
    m_output = QList<QByteArray>(); // an idle connection keeps no buffer
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (m_state == State::Flushing) {
        ::shutdown(m_fd, SHUT_WR); // the close frame is out; the TCP close follows it
        m_state = State::Closed;
        emitDisconnectedLater();
    }
    emitDrainedIfLow();
}

void WebSocket::emitDrainedIfLow()
{
    if (!m_aboveLowWater || m_state != State::Open || bytesToWrite() > m_limits.outputLowWater)
        return;
    m_aboveLowWater = false;
    emit drained(); // last: the handler may queue more frames or close the connection
}

void WebSocket::finish()
{
    if (m_state == State::Flushing || m_state == State::Closed)
        return;
    m_state = State::Flushing;
    m_input = QByteArray();
    m_message = QByteArray();
    m_messageOpcode = 0;
    if (m_output.isEmpty()) {
        flush(); // shuts the sending side
        return;
    }
    QTimer::singleShot(m_limits.closeTimeoutMs, this, [this] {
        if (m_state == State::Flushing)
            endNow();
    });
}

void WebSocket::endNow()
{
    if (m_state != State::Closed)
        ::shutdown(m_fd, SHUT_RDWR);
    m_state = State::Closed;
    m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    m_output = QList<QByteArray>();
    m_pendingOutput = 0;
    m_outputOffset = 0;
    m_input = QByteArray();
    m_message = QByteArray();
    emitDisconnectedLater();
}

void WebSocket::emitDisconnectedLater()
{
    if (m_disconnectedEmitted)
        return;
    m_disconnectedEmitted = true;
    QMetaObject::invokeMethod(this, &WebSocket::disconnected, Qt::QueuedConnection);
}

} // namespace lobby::http
