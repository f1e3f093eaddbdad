#pragma once

#include "http/apifamily.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QTcpSocket;

namespace lobby::http {

struct RequestLimits
{
    qint64 maxJsonBody = 1 << 20;    // 1 MiB for ordinary requests
    qint64 maxUploadBody = 25 << 20; // for the upload paths below
    int maxHeaderBytes = 32 << 10;   // request line and headers together
    QStringList uploadPaths = {QStringLiteral("/api/v1/chat/upload")};
};

// Watches a connection's bytes before QHttpServer reads them, because QHttpServer 6.4 buffers
// whole bodies without limit and never answers "Expect: 100-continue". It sees each request
// head, refuses oversized bodies (413) and heads (431) in the family's error shape, answers
// 100-continue, and steps aside once a WebSocket upgrade is requested.
class RequestGuard : public QObject
{
    Q_OBJECT

public:
    // Must be attached before QHttpServer connects to the socket, so this runs first.
    RequestGuard(QTcpSocket *socket, const RequestLimits &limits, QObject *httpServer);

private:
    friend struct RequestGuardFuzzAccess; // tests/fuzz/fuzz_requestguard.cpp feeds consume()

    enum class Phase
    {
        Head,
        Body,
        ChunkedBody,
        Passthrough,
        Rejected
    };

    void onReadyRead();
    void consume(QByteArray data);
    void startRequest(const QByteArray &head);
    void drain();
    void reject(int status, ApiFamily family, const QString &message);
    // Walks a chunked body by its chunk sizes; false when it was rejected.
    bool consumeChunked(QByteArray *data);
    // The family of the request whose head is (partly) in m_head, from its request line.
    ApiFamily familyOfPartialHead() const;

    enum class Chunk
    {
        SizeLine,
        Data,
        Trailer
    };

    QTcpSocket *m_socket;
    const RequestLimits &m_limits;
    QPointer<QObject> m_httpServer;
    Phase m_phase = Phase::Head;
    QByteArray m_head;
    qint64 m_remainingBody = 0;
    qint64 m_chunkedBytes = 0; // payload bytes of the chunks so far
    qint64 m_bodyLimit = 0;
    ApiFamily m_family = ApiFamily::Plain;
    Chunk m_chunk = Chunk::SizeLine;
    qint64 m_chunkRemaining = 0; // of the current chunk, its CRLF included
    QByteArray m_chunkLine;
};

} // namespace lobby::http
