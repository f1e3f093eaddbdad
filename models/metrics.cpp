#include "metrics.h"

#include <QHash>
#include <QMutex>

#include <array>
#include <atomic>
#include <map>

namespace lobby::metrics {

namespace {

struct Histogram
{
    std::vector<double> bounds;
    std::vector<qint64> counts; // per bound, not cumulative; the last one is +Inf
    double sum = 0;
    qint64 total = 0;

    explicit Histogram(std::vector<double> b) : bounds(std::move(b)), counts(bounds.size() + 1) {}

    void observe(double value)
    {
        size_t i = 0;
        while (i < bounds.size() && value > bounds[i])
            ++i;
        ++counts[i];
        sum += value;
        ++total;
    }

    void render(QByteArray &out, const char *name) const
    {
        qint64 cumulative = 0;
        for (size_t i = 0; i < bounds.size(); ++i) {
            cumulative += counts[i];
            out += QByteArray(name) + "_bucket{le=\"" + QByteArray::number(bounds[i]) + "\"} " +
                   QByteArray::number(cumulative) + '\n';
        }
        out += QByteArray(name) + "_bucket{le=\"+Inf\"} " + QByteArray::number(total) + '\n';
        out += QByteArray(name) + "_sum " + QByteArray::number(sum, 'g', 12) + '\n';
        out += QByteArray(name) + "_count " + QByteArray::number(total) + '\n';
    }
};

struct State
{
    QMutex mutex;
    std::map<std::pair<QByteArray, int>, qint64> requests;
    std::map<QByteArray, qint64> stored;
    Histogram commitSeconds{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};
    Histogram batchSize{{1, 2, 5, 10, 20, 50, 100, 200, 500}};
    qint64 lockouts = 0;
    GaugeSource gauges;
};

State &state()
{
    static State s;
    return s;
}

std::atomic<qint64> guiStallMs{-1}; // -1: no console

} // namespace

void countRequest(const char *family, int status)
{
    QMutexLocker lock(&state().mutex);
    ++state().requests[{QByteArray(family), status}];
}

void observeCommit(double seconds, int messages)
{
    QMutexLocker lock(&state().mutex);
    state().commitSeconds.observe(seconds);
    state().batchSize.observe(messages);
}

void countStored(const QString &family, int messages)
{
    QMutexLocker lock(&state().mutex);
    state().stored[family.toLatin1()] += messages;
}

void countLockout()
{
    QMutexLocker lock(&state().mutex);
    ++state().lockouts;
}

void noteGuiStall(qint64 milliseconds)
{
    qint64 seen = guiStallMs.load();
    while (milliseconds > seen && !guiStallMs.compare_exchange_weak(seen, milliseconds)) {
    }
}

void setGaugeSource(GaugeSource source)
{
    QMutexLocker lock(&state().mutex);
    state().gauges = std::move(source);
}

QByteArray render()
{
    GaugeSource gauges;
    QByteArray out;
    {
        QMutexLocker lock(&state().mutex);
        const State &s = state();
        gauges = s.gauges;
        out += "# HELP lobby_http_requests_total HTTP requests answered, by API family and "
               "status.\n# TYPE lobby_http_requests_total counter\n";
        for (const auto &[key, count] : s.requests)
            out += "lobby_http_requests_total{family=\"" + key.first + "\",status=\"" +
                   QByteArray::number(key.second) + "\"} " + QByteArray::number(count) + '\n';
        out += "# HELP lobby_messages_stored_total Messages stored, by family.\n"
               "# TYPE lobby_messages_stored_total counter\n";
        for (const auto &[family, count] : s.stored)
            out += "lobby_messages_stored_total{family=\"" + family + "\"} " +
                   QByteArray::number(count) + '\n';
        out += "# HELP lobby_commit_seconds Duration of one group commit.\n"
               "# TYPE lobby_commit_seconds histogram\n";
        s.commitSeconds.render(out, "lobby_commit_seconds");
        out += "# HELP lobby_commit_batch_messages Messages stored by one group commit.\n"
               "# TYPE lobby_commit_batch_messages histogram\n";
        s.batchSize.render(out, "lobby_commit_batch_messages");
        out += "# HELP lobby_lockouts_total Sign-in scopes locked after repeated failures.\n"
               "# TYPE lobby_lockouts_total counter\nlobby_lockouts_total " +
               QByteArray::number(s.lockouts) + '\n';
    }
    if (const qint64 stall = guiStallMs.load(); stall >= 0)
        out += "# HELP lobby_gui_longest_stall_milliseconds The console's longest GUI-thread "
               "stall.\n# TYPE lobby_gui_longest_stall_milliseconds gauge\n"
               "lobby_gui_longest_stall_milliseconds " +
               QByteArray::number(stall) + '\n';
    if (gauges)
        out += gauges();
    return out;
}

} // namespace lobby::metrics
