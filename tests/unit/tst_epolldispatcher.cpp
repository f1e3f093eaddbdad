// EpollEventDispatcher drives a thread the way Qt's own dispatchers do: timers, socket
// notifiers, events posted from another thread, quitting.
#include "realtime/epolldispatcher.h"

#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

using lobby::realtime::EpollEventDispatcher;

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

    QThread m_thread;
    QObject *m_context = nullptr; // lives in m_thread

    // Runs `work` in the dispatcher's thread and waits for it.
    template <typename Work> void inThread(Work work)
    {
        QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
    }

private slots:
    void initTestCase()
    {
        m_thread.setEventDispatcher(new EpollEventDispatcher);
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        inThread([] {
            QVERIFY(
                qobject_cast<EpollEventDispatcher *>(QThread::currentThread()->eventDispatcher()));
        });
    }

    void cleanupTestCase()
    {
        QMetaObject::invokeMethod(m_context, &QObject::deleteLater);
        m_thread.quit();
        QVERIFY(m_thread.wait(5000));
    }

    void postedEventsFromAnotherThread()
    {
        QAtomicInt count;
        for (int i = 0; i < 1000; ++i)
            QMetaObject::invokeMethod(m_context, [&count] { count.ref(); });
        QTRY_COMPARE(count.loadRelaxed(), 1000);
    }

    void timersFireInOrderAndRepeat()
    {
        QList<int> order;
        QAtomicInt repeats;
        QTimer *repeating = nullptr;
        inThread([&] {
            QTimer::singleShot(60, m_context, [&order] { order.append(60); });
            QTimer::singleShot(20, m_context, [&order] { order.append(20); });
            QTimer::singleShot(40, m_context, [&order] { order.append(40); });
            repeating = new QTimer(m_context);
            QObject::connect(repeating, &QTimer::timeout, [&repeats] { repeats.ref(); });
            repeating->start(10);
        });
        QTRY_COMPARE(order.size(), 3);
        QCOMPARE(order, QList<int>({20, 40, 60}));
        QTRY_VERIFY(repeats.loadRelaxed() >= 3);
        inThread([&] { delete repeating; });
        const int stopped = repeats.loadRelaxed();
        QTest::qWait(50);
        QCOMPARE(repeats.loadRelaxed(), stopped);
    }

    void timerRestartedAndStoppedByHandlers()
    {
        QAtomicInt firstFired, secondFired;
        int remaining = -2;
        QTimer *first = nullptr;
        QTimer *second = nullptr;
        inThread([&] {
            first = new QTimer(m_context);
            second = new QTimer(m_context);
            first->setSingleShot(true);
            second->setSingleShot(true);
            // Both due together: whichever fires first stops the other.
            QObject::connect(first, &QTimer::timeout, [&] {
                firstFired.ref();
                second->stop();
            });
            QObject::connect(second, &QTimer::timeout, [&] {
                secondFired.ref();
                first->stop();
            });
            first->start(10);
            second->start(10);
            remaining = first->remainingTime();
        });
        QVERIFY(remaining >= 0 && remaining <= 10);
        QTest::qWait(100);
        QCOMPARE(firstFired.loadRelaxed() + secondFired.loadRelaxed(), 1);
        inThread([&] {
            remaining = first->remainingTime();
            delete first;
            delete second;
        });
        QCOMPARE(remaining, -1); // not running
    }

    void socketNotifiers()
    {
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
        QAtomicInt reads, writes;
        QSocketNotifier *reader = nullptr;
        QSocketNotifier *writer = nullptr;
        inThread([&] {
            reader = new QSocketNotifier(fds[0], QSocketNotifier::Read, m_context);
            writer = new QSocketNotifier(fds[0], QSocketNotifier::Write, m_context);
            QObject::connect(reader, &QSocketNotifier::activated, [&] {
                char buffer[16];
                while (::read(fds[0], buffer, sizeof buffer) > 0)
                    reads.ref();
            });
            // Writable at once; the handler disables it, as a socket with nothing to write does.
            QObject::connect(writer, &QSocketNotifier::activated, [&] {
                writes.ref();
                writer->setEnabled(false);
            });
        });
        QTRY_COMPARE(writes.loadRelaxed(), 1);
        QTest::qWait(30);
        QCOMPARE(writes.loadRelaxed(), 1); // disabled means not watched any more

        QCOMPARE(::write(fds[1], "x", 1), 1);
        QTRY_COMPARE(reads.loadRelaxed(), 1);
        inThread([&] { reader->setEnabled(false); });
        QCOMPARE(::write(fds[1], "y", 1), 1);
        QTest::qWait(30);
        QCOMPARE(reads.loadRelaxed(), 1);
        inThread([&] { reader->setEnabled(true); }); // the byte waiting is reported now
        QTRY_COMPARE(reads.loadRelaxed(), 2);

        inThread([&] {
            delete reader;
            delete writer;
        });
        ::close(fds[0]);
        ::close(fds[1]);
    }

    // A thread waiting for a far timer still wakes for a posted event at once.
    void postedEventEndsALongWait()
    {
        // Were the wakeup lost, the next call would wait for this timer and ctest would time out.
        inThread([&] { QTimer::singleShot(std::chrono::hours(1), m_context, [] {}); });
        QTest::qWait(20); // the thread is in epoll_wait now
        bool ran = false;
        inThread([&] { ran = true; });
        QVERIFY(ran);
    }
};

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "tst_epolldispatcher.moc"
