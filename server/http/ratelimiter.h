#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>

namespace lobby::http {

// The client a limit counts an address against: an IPv4 address itself (an IPv4-mapped IPv6
// address included), an IPv6 address its /64 (the block one host or home is given).
QByteArray clientKey(const QHostAddress &address);

// A token bucket per client address: `burst` requests at once, then `perMinute` a minute. An
// IPv6 client is one /64 (the block one host or home is given). Addresses whose bucket has
// refilled are forgotten, so the table holds only the clients of the last few minutes.
class AddressRateLimiter
{
public:
    // perMinute 0: no limit.
    AddressRateLimiter(int perMinute, int burst);

    bool isLimited() const { return m_perMinute > 0; }
    // Takes one request's token: 0 when the request may go ahead, else the seconds until the
    // address has a token again (for Retry-After). `nowMs` is any steady clock's milliseconds.
    int take(const QHostAddress &address, qint64 nowMs);

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    void forgetFullBuckets(qint64 nowMs);

    int m_perMinute;
    int m_burst;
    QHash<QByteArray, Bucket> m_buckets;
    qsizetype m_forgetAt = 4096; // table size that triggers forgetFullBuckets
};

} // namespace lobby::http
