// Text frames on every family's WebSocket through the real handlers: the Pusher protocol
// (/app/<key>), the v1 chat socket (as staff and as a customer) and the direct chat socket. Byte 0
// picks the socket (and, in its high bit, a binary frame), the rest is the frame's payload. Each
// frame is followed by a ping: the pong says the server has handled the frame. A socket the
// server closed (e.g. 1007 for invalid UTF-8) is opened again; a server that stops answering
// /healthz is a crash.
#include "world.h"

#include <QGuiApplication>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace lobby::reliability;

namespace {
World *world = nullptr;
QList<QByteArray> paths;
std::array<std::unique_ptr<RawWebSocket>, 4> sockets;
int inputs = 0;

RawWebSocket &socketFor(int index)
{
    auto &socket = sockets[index];
    if (!socket || !socket->isOpen()) {
        socket = std::make_unique<RawWebSocket>(world->port(), paths.at(index));
        if (socket->status() != 101) {
            fprintf(stderr, "%s: upgrade answered %d\n", paths.at(index).constData(),
                    socket->status());
            abort();
        }
    }
    return *socket;
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    new QGuiApplication(*argc, *argv);
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &text) {
        if (type == QtFatalMsg) {
            fprintf(stderr, "%s\n", qPrintable(text));
            abort();
        }
    });
    world = new World;
    const Tenant &h = world->hotel;
    paths = {
        "/app/" + world->pusherApp().key.toLatin1() + "?protocol=7",
        "/api/v1/chat/ws/chat/user?token=" + h.adminToken.toLatin1(),
        "/api/v1/chat/ws/chat/user?token=" + h.customerToken.toLatin1(),
        "/ws/chat/" + QByteArray::number(h.staff.id) + "/?token=" + h.adminToken.toLatin1(),
    };
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const int index = data[0] % int(sockets.size());
    const QByteArray payload(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    RawWebSocket &socket = socketFor(index);
    socket.sendFrame(data[0] & 0x80 ? 0x2 : 0x1, payload);
    socket.sendFrame(0x9, "sync");
    for (;;) {
        const auto frame = socket.next(10000);
        if (!frame) {
            if (socket.isOpen()) {
                fprintf(stderr, "%s: no pong within 10 s\n", paths.at(index).constData());
                abort();
            }
            break; // closed by the server: reopened with the next input
        }
        if (frame->opcode == 0xA && frame->payload == "sync")
            break;
        if (frame->opcode == 0x8) {
            sockets[index].reset(); // closed by the server: reopened with the next input
            break;
        }
    }
    if (++inputs % 100 == 0 && !world->healthy()) {
        fprintf(stderr, "the server stopped answering /healthz\n");
        abort();
    }
    return 0;
}
