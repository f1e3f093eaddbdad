#include "ui/stallmonitor.h"

#include "metrics.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <ctime>

namespace lobby::ui {

namespace {

qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

} // namespace

StallMonitor::StallMonitor(QObject *parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(tickMs);
    connect(&m_timer, &QTimer::timeout, this, &StallMonitor::tick);
}

void StallMonitor::watch(const QAbstractItemModel *model)
{
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                current().rowsInserted += last - first + 1;
            });
    connect(model, &QAbstractItemModel::rowsRemoved, this,
            [this](const QModelIndex &, int first, int last) {
                current().rowsRemoved += last - first + 1;
            });
    connect(model, &QAbstractItemModel::rowsMoved, this,
            [this](const QModelIndex &, int first, int last) {
                current().rowsMoved += last - first + 1;
            });
    connect(model, &QAbstractItemModel::dataChanged, this, [this] { ++current().dataChanged; });
    connect(model, &QAbstractItemModel::layoutChanged, this, [this] { ++current().layoutChanged; });
    connect(model, &QAbstractItemModel::modelReset, this, [this] { ++current().resets; });
}

void StallMonitor::start()
{
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_clock.start();
    m_lastTickNs = 0;
    m_lastCpuNs = threadCpuNs();
    m_seconds = {Second()};
    m_timer.start();
}

StallMonitor::Second &StallMonitor::current()
{
    if (m_seconds.isEmpty()) // updates before start() count in the first second
        m_seconds.append(Second());
    if (m_clock.isValid()) {
        const qint64 index = m_clock.elapsed() / 1000;
        while (m_seconds.size() <= index)
            m_seconds.append(Second());
    }
    return m_seconds.last();
}

void StallMonitor::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    // A gap longer than the interval is time the event loop could not get to this timer.
    const qint64 gapMs = (now - m_lastTickNs) / 1000000;
    const qint64 cpu = threadCpuNs();
    const qint64 gapCpuNs = cpu - m_lastCpuNs;
    m_lastTickNs = now;
    m_lastCpuNs = cpu;
    Second &second = current();
    ++second.ticks;
    second.cpuNs += gapCpuNs;
    metrics::noteGuiStall(gapMs);
    if (gapMs > second.longestGapMs) {
        second.longestGapMs = gapMs;
        second.longestGapCpuMs = gapCpuNs / 1000000;
    }
}

qint64 StallMonitor::longestGapMs() const
{
    qint64 longest = 0;
    for (const Second &second : m_seconds)
        longest = std::max(longest, second.longestGapMs);
    return longest;
}

QByteArray StallMonitor::report() const
{
    QJsonArray seconds;
    Second totals;
    for (const Second &s : m_seconds) {
        seconds.append(QJsonObject{{"longest_stall_ms", s.longestGapMs},
                                   {"longest_stall_cpu_ms", s.longestGapCpuMs},
                                   {"cpu_ms", s.cpuNs / 1000000},
                                   {"ticks", s.ticks},
                                   {"rows_inserted", s.rowsInserted},
                                   {"rows_removed", s.rowsRemoved},
                                   {"rows_moved", s.rowsMoved},
                                   {"data_changed", s.dataChanged},
                                   {"layout_changed", s.layoutChanged},
                                   {"resets", s.resets}});
        totals.ticks += s.ticks;
        totals.rowsInserted += s.rowsInserted;
        totals.rowsRemoved += s.rowsRemoved;
        totals.rowsMoved += s.rowsMoved;
        totals.dataChanged += s.dataChanged;
        totals.layoutChanged += s.layoutChanged;
        totals.resets += s.resets;
    }
    const QJsonObject summary{{"ticks", totals.ticks},
                              {"rows_inserted", totals.rowsInserted},
                              {"rows_removed", totals.rowsRemoved},
                              {"rows_moved", totals.rowsMoved},
                              {"data_changed", totals.dataChanged},
                              {"layout_changed", totals.layoutChanged},
                              {"resets", totals.resets}};
    qint64 longestCpuMs = 0;
    for (const Second &second : m_seconds) {
        if (second.longestGapMs == longestGapMs())
            longestCpuMs = std::max(longestCpuMs, second.longestGapCpuMs);
    }
    return QJsonDocument(QJsonObject{{"tick_ms", tickMs},
                                     {"started_at_ms", m_startedAtMs},
                                     {"longest_stall_ms", longestGapMs()},
                                     {"longest_stall_cpu_ms", longestCpuMs},
                                     {"totals", summary},
                                     {"seconds", seconds}})
        .toJson();
}

bool StallMonitor::writeReport(const QString &path) const
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(report()) >= 0 &&
           file.flush();
}

} // namespace lobby::ui
