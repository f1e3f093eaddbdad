#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

class QAbstractItemModel;

namespace lobby::ui {

// Opt-in instrumentation of the thread it lives in (the console's GUI thread, enabled with
// LOBBY_STALL_REPORT): a timer ticking every 5 ms notes the longest gap between two ticks (how
// long the event loop was kept busy) and how much of it the thread spent on the CPU (the rest it
// was not running: another process or thread had the core), and the models it watches count
// their updates. Kept per
// second since start() so a benchmark can look at the seconds of its load only. Costs one timer
// event per 5 ms; nothing is written until writeReport().
class StallMonitor : public QObject
{
    Q_OBJECT

public:
    static constexpr int tickMs = 5;

    struct Second
    {
        qint64 longestGapMs = 0;
        qint64 longestGapCpuMs = 0; // of which this thread was running (the rest it waited)
        qint64 cpuNs = 0;           // this thread's CPU time in this second
        qint64 ticks = 0;
        qint64 rowsInserted = 0; // rows, not signals
        qint64 rowsRemoved = 0;
        qint64 rowsMoved = 0;
        qint64 dataChanged = 0; // signals
        qint64 layoutChanged = 0;
        qint64 resets = 0;
    };

    explicit StallMonitor(QObject *parent = nullptr);

    void watch(const QAbstractItemModel *model);
    void start();

    qint64 longestGapMs() const;
    const QList<Second> &seconds() const { return m_seconds; }
    // {"tick_ms", "started_at_ms" (epoch), "longest_stall_ms", "totals": {...},
    //  "seconds": [{"longest_stall_ms", "ticks", "rows_inserted", ...}, ...]}
    QByteArray report() const;
    bool writeReport(const QString &path) const;

private:
    Second &current();
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_startedAtMs = 0;
    qint64 m_lastTickNs = 0;
    qint64 m_lastCpuNs = 0;
    QList<Second> m_seconds;
};

} // namespace lobby::ui
