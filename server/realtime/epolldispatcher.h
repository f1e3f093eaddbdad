#pragma once

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>

#include <set>
#include <utility>

namespace lobby::realtime {

// The core thread's event dispatcher, on Linux epoll. Qt's UNIX dispatcher hands poll() every
// registered socket on every wakeup, so with thousands of idle WebSockets each wakeup costs
// time in proportion to them; epoll reports only the sockets that are ready. Timers are kept
// ordered by deadline. Timer kinds are all treated as precise.
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 registeredEvents = 0; // what epoll watches now
    };
    struct Timer
    {
        qint64 interval; // ms
        Qt::TimerType type;
        QObject *object;
        qint64 deadline; // ns on the steady clock
    };

    void updateWatch(int fd);
    int activateSocket(int fd, quint32 events);
    int activateTimers();
    int waitMilliseconds(bool canWait) const;

    int m_epoll;
    int m_wakeFd; // an eventfd
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupted;
    QHash<int, Watch> m_watches;
    QHash<int, Timer> m_timers;
    std::set<std::pair<qint64, int>> m_deadlines; // (deadline, timer id)
};

} // namespace lobby::realtime
