// Raw bytes from a client into lobby::http::WebSocket's frame parser, over a socket pair: frame
// headers, lengths, masks, fragments, control frames, close payloads. Checks beyond "no crash":
// every text message handed on is UTF-8 and within the message limit, and what the server
// writes back is a sequence of well-formed, unmasked frames.
#include "http/websocket.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <sys/socket.h>
#include <unistd.h>

using lobby::http::WebSocket;
using lobby::http::WebSocketLimits;

namespace {

void check(bool condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_wsframe: %s\n", what);
        abort();
    }
}

// Walks the server's answer frame by frame.
void checkServerFrames(const QByteArray &bytes)
{
    const auto *p = reinterpret_cast<const quint8 *>(bytes.constData());
    qsizetype position = 0;
    while (position < bytes.size()) {
        check(bytes.size() - position >= 2, "truncated frame header");
        const quint8 opcode = p[position] & 0x0F;
        check((p[position] & 0xF0) == 0x80, "server frame not final or with reserved bits");
        check(opcode == 0x1 || opcode == 0x8 || opcode == 0xA, "unexpected server opcode");
        check(!(p[position + 1] & 0x80), "masked server frame");
        quint64 length = p[position + 1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            check(bytes.size() - position >= 4, "truncated length");
            length = (quint64(p[position + 2]) << 8) | p[position + 3];
            header = 4;
        } else if (length == 127) {
            check(bytes.size() - position >= 10, "truncated length");
            length = 0;
            for (int k = 2; k < 10; ++k)
                length = (length << 8) | p[position + k];
            header = 10;
        }
        check(quint64(bytes.size() - position - header) >= length, "truncated payload");
        if (opcode & 0x8)
            check(length <= 125, "control frame over 125 bytes");
        position += header + qsizetype(length);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    new QCoreApplication(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static WebSocketLimits limits = [] {
        WebSocketLimits small;
        small.maxFrame = 1024; // small limits, so the 1009 paths are reached
        small.maxMessage = 2048;
        small.closeTimeoutMs = 0;
        return small;
    }();
    int fds[2];
    check(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0,
          "socketpair");
    auto *server = new WebSocket(fds[0], QHostAddress::LocalHost, limits);
    QObject::connect(server, &WebSocket::textMessageReceived, [](const QByteArray &text) {
        check(WebSocket::isValidUtf8(text.constData(), text.size()), "text message not UTF-8");
        check(quint64(text.size()) <= limits.maxMessage, "message over the limit");
    });
    QObject::connect(server, &WebSocket::binaryMessageReceived, [](const QByteArray &binary) {
        check(quint64(binary.size()) <= limits.maxMessage, "message over the limit");
    });
    QByteArray answer;
    const auto drain = [&] {
        char buffer[4096];
        ssize_t n;
        while ((n = ::recv(fds[1], buffer, sizeof buffer, 0)) > 0)
            answer.append(buffer, n);
    };
    // In pieces, so frames are split across reads too.
    for (size_t offset = 0; offset < size; offset += 700) {
        const size_t piece = std::min<size_t>(700, size - offset);
        if (::send(fds[1], data + offset, piece, MSG_NOSIGNAL) < 0)
            break; // the server closed its side
        QCoreApplication::processEvents();
        drain();
    }
    QCoreApplication::processEvents();
    drain();
    checkServerFrames(answer);
    delete server;
    ::close(fds[1]);
    return 0;
}
