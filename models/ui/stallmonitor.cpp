#include "ui/stallmonitor.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lobby::ui {

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
    m_lastTickNs = now;
    Second &second = current();
    ++second.ticks;
    second.longestGapMs = std::max(second.longestGapMs, gapMs);
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
    return QJsonDocument(QJsonObject{{"tick_ms", tickMs},
                                     {"started_at_ms", m_startedAtMs},
                                     {"longest_stall_ms", longestGapMs()},
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
