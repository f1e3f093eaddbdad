#include "http/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace lobby::http {

AddressRateLimiter::AddressRateLimiter(int perMinute, int burst)
    : m_perMinute(std::max(0, perMinute)), m_burst(std::max(1, burst))
{}

QByteArray clientKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also an IPv4-mapped IPv6 address
    if (isV4)
        return QByteArray(reinterpret_cast<const char *>(&v4), sizeof v4);
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(v6.c), 8);
}

int AddressRateLimiter::take(const QHostAddress &address, qint64 nowMs)
{
    if (!isLimited())
        return 0;
    const double perMs = m_perMinute / 60000.0;
    const QByteArray key = clientKey(address);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_forgetAt) {
            forgetFullBuckets(nowMs);
            it = m_buckets.find(key);
        }
        if (it == m_buckets.end())
            it = m_buckets.insert(key, {double(m_burst), nowMs});
    }
    Bucket &bucket = it.value();
    bucket.tokens =
        std::min(double(m_burst),
                 bucket.tokens + double(std::max<qint64>(0, nowMs - bucket.updatedMs)) * perMs);
    bucket.updatedMs = nowMs;
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
    }
    return std::max(1, int(std::ceil((1 - bucket.tokens) / perMs / 1000)));
}

void AddressRateLimiter::forgetFullBuckets(qint64 nowMs)
{
    const double perMs = m_perMinute / 60000.0;
    m_buckets.removeIf([&](const auto &entry) {
        const Bucket &bucket = entry.value();
        return bucket.tokens + double(nowMs - bucket.updatedMs) * perMs >= m_burst;
    });
    // Held clients stay; the next sweep waits until the table has doubled, so each insertion
    // pays for at most a constant share of the sweeps.
    m_forgetAt = std::max<qsizetype>(4096, m_buckets.size() * 2);
}

} // namespace lobby::http
