#include "realtime/epolldispatcher.h"
#include "logging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QVarLengthArray>

#include <cerrno>
#include <chrono>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace lobby::realtime {

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr qint64 nsPerMs = 1'000'000;

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent), m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
      m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: no epoll or eventfd (%s)", strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const bool includeSockets = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    // Events posted from now on write to the eventfd, which ends the wait at once.
    const bool canWait =
        flags.testFlag(QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    if (canWait)
        emit aboutToBlock();
    if (m_interrupted.loadRelaxed())
        return false;

    epoll_event events[256];
    const int timeout = includeTimers ? waitMilliseconds(canWait) : (canWait ? -1 : 0);
    const int ready = ::epoll_wait(m_epoll, events, 256, timeout);
    int handled = 0;
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            eventfd_t value;
            ::eventfd_read(m_wakeFd, &value);
            m_wakeUpPending.storeRelease(0);
            ++handled;
        } else if (includeSockets) {
            handled += activateSocket(fd, events[i].events);
        }
    }
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::waitMilliseconds(bool canWait) const
{
    if (!canWait)
        return 0;
    if (m_deadlines.empty())
        return -1;
    const qint64 left = m_deadlines.begin()->first - nowNs();
    if (left <= 0)
        return 0;
    return int(std::min<qint64>((left + nsPerMs - 1) / nsPerMs, 24 * 3600 * 1000));
}

int EpollEventDispatcher::activateSocket(int fd, quint32 events)
{
    // A handler may disable or delete any notifier, so each one is looked up again.
    const auto notify = [this, fd](QSocketNotifier *Watch::*slot) {
        const auto watch = m_watches.constFind(fd);
        if (watch == m_watches.constEnd() || !(watch.value().*slot))
            return 0;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(watch.value().*slot, &event);
        return 1;
    };
    int handled = 0;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        handled += notify(&Watch::read);
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        handled += notify(&Watch::write);
    if (events & EPOLLPRI)
        handled += notify(&Watch::exception);
    return handled;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &watch = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    updateWatch(fd);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto watch = m_watches.find(fd);
    if (watch == m_watches.end())
        return;
    for (QSocketNotifier **slot : {&watch->read, &watch->write, &watch->exception}) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    updateWatch(fd);
}

void EpollEventDispatcher::updateWatch(int fd)
{
    const auto watch = m_watches.find(fd);
    const quint32 wanted = (watch->read ? quint32(EPOLLIN) : 0u) |
                           (watch->write ? quint32(EPOLLOUT) : 0u) |
                           (watch->exception ? quint32(EPOLLPRI) : 0u);
    if (wanted == watch->registeredEvents)
        return;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    if (!wanted) {
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, &event);
        m_watches.erase(watch);
        return;
    }
    const int operation = watch->registeredEvents ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(m_epoll, operation, fd, &event) != 0) {
        qCWarning(lcRealtime, "cannot watch socket %d (%s)", fd, strerror(errno));
        return;
    }
    watch->registeredEvents = wanted;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    const qint64 deadline = nowNs() + interval * nsPerMs;
    m_timers.insert(timerId, {interval, timerType, object, deadline});
    m_deadlines.emplace(deadline, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto timer = m_timers.constFind(timerId);
    if (timer == m_timers.constEnd())
        return false;
    m_deadlines.erase({timer->deadline, timerId});
    m_timers.erase(timer);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto timer = m_timers.begin(); timer != m_timers.end();) {
        if (timer->object == object) {
            m_deadlines.erase({timer->deadline, timer.key()});
            timer = m_timers.erase(timer);
            any = true;
        } else {
            ++timer;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (auto timer = m_timers.cbegin(); timer != m_timers.cend(); ++timer) {
        if (timer->object == object)
            timers.append({timer.key(), int(timer->interval), timer->type});
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto timer = m_timers.constFind(timerId);
    if (timer == m_timers.constEnd())
        return -1;
    return int(std::max<qint64>(0, (timer->deadline - nowNs()) / nsPerMs));
}

int EpollEventDispatcher::activateTimers()
{
    const qint64 now = nowNs();
    // The timers due now, each fired once even if a handler restarts it or another.
    QVarLengthArray<int, 64> due;
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= now; ++it)
        due.append(it->second);
    int fired = 0;
    for (const int id : due) {
        const auto timer = m_timers.find(id);
        if (timer == m_timers.end() || timer->deadline > now)
            continue; // stopped or restarted by an earlier handler
        m_deadlines.erase({timer->deadline, id});
        timer->deadline = now + std::max<qint64>(timer->interval, 0) * nsPerMs;
        m_deadlines.emplace(timer->deadline, id);
        QTimerEvent event(id);
        QCoreApplication::sendEvent(timer->object, &event);
        ++fired;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakeUpPending.testAndSetAcquire(0, 1))
        ::eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

} // namespace lobby::realtime
