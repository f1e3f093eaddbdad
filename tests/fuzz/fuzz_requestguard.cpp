// http::RequestGuard's head and chunked-body parser (consume()), fed the input in pieces: byte 0
// is the piece size (1..256), so heads, chunk-size lines and trailers get split anywhere. The
// socket is not connected: what the guard writes goes nowhere, and QHttpServer never reads, so a
// refusal after the first request stays pending (Refusing) and ends the input.
#include "http/requestguard.h"

#include <QCoreApplication>
#include <QTcpSocket>

namespace lobby::http {
struct RequestGuardFuzzAccess
{
    static void consume(RequestGuard &guard, const QByteArray &data) { guard.consume(data); }
    static bool stopped(const RequestGuard &guard)
    {
        return guard.m_phase == RequestGuard::Phase::Rejected ||
               guard.m_phase == RequestGuard::Phase::Refusing ||
               guard.m_phase == RequestGuard::Phase::Passthrough;
    }
};
} // namespace lobby::http

using namespace lobby::http;

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    new QCoreApplication(*argc, *argv);
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) {});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const RequestLimits limits = [] {
        RequestLimits l;
        l.maxJsonBody = 4096; // small limits, so the fuzzer reaches them
        l.maxUploadBody = 16384;
        l.maxHeaderBytes = 2048;
        return l;
    }();
    const qsizetype piece = 1 + data[0];
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    QTcpSocket socket;
    // Owned by the socket; "/ws/..." stands for the WebSocket paths, so handshakes are reached.
    auto *guard = new RequestGuard(&socket, limits, nullptr, [](const QString &path) {
        return path.startsWith(QLatin1String("/ws/"));
    });
    for (qsizetype at = 0; at < input.size() && !RequestGuardFuzzAccess::stopped(*guard);
         at += piece)
        RequestGuardFuzzAccess::consume(*guard, input.mid(at, piece));
    return 0;
}
