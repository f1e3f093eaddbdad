// The console's two small C++ helpers: CoreTasks (work in the core thread, continuation in the
// GUI thread, nothing after stop) and TypingThrottle (when typing is announced and withdrawn).
#include "core.h"
#include "coretasks.h"
#include "typingthrottle.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace lobby::app;

class TstCoreTasks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        CoreConfig config;
        config.data.root = m_dir.path();
        QString error;
        QVERIFY2(m_core.start(config, &error), qPrintable(error));
    }
    void cleanupTestCase() { m_core.stop(); }

    void workRunsInTheCoreThreadAndContinuesInTheGuiThread()
    {
        QObject context;
        CoreTasks tasks(m_core, &context);
        QThread *workThread = nullptr;
        QThread *doneThread = nullptr;
        int value = 0;
        tasks
            .run([&workThread](CoreRuntime &runtime) {
                workThread = QThread::currentThread();
                return int(runtime.port() > 0) + 41;
            })
            .then([&](int result) {
                doneThread = QThread::currentThread();
                value = result;
            });
        QTRY_COMPARE(value, 42);
        QVERIFY(workThread && workThread != QThread::currentThread());
        QCOMPARE(doneThread, QThread::currentThread());
    }

    void workThatReturnsNothingContinuesWithoutAValue()
    {
        QObject context;
        CoreTasks tasks(m_core, &context);
        bool ran = false, done = false;
        tasks.run([&ran](CoreRuntime &) { ran = true; }).then([&] { done = ran; });
        QTRY_VERIFY(done);
    }

    void aStepWithoutThenStillRuns()
    {
        QObject context;
        CoreTasks tasks(m_core, &context);
        std::atomic_bool ran = false;
        tasks.run([&ran](CoreRuntime &) { ran = true; });
        m_core.runBlocking([](CoreRuntime &) {}); // after the posted work
        QVERIFY(ran);
    }

    void nothingRunsOrContinuesAfterStop()
    {
        QObject context;
        CoreTasks tasks(m_core, &context);
        std::atomic_bool ranAfterStop = false;
        bool continued = false;
        // The continuation of finished work is queued for the GUI thread; stop() comes first.
        tasks.run([](CoreRuntime &) { return 1; }).then([&](int) { continued = true; });
        m_core.runBlocking([](CoreRuntime &) {});
        tasks.stop();
        tasks.run([&ranAfterStop](CoreRuntime &) { ranAfterStop = true; });
        m_core.runBlocking([](CoreRuntime &) {});
        QCoreApplication::processEvents();
        QVERIFY(!continued);
        QVERIFY(!ranAfterStop);
    }

    void theFirstKeystrokeAnnouncesTypingAndLaterOnesAreThrottled()
    {
        TypingThrottle throttle(60 * 60 * 1000, 60 * 60 * 1000);
        QSignalSpy spy(&throttle, &TypingThrottle::typingChanged);
        throttle.keystroke();
        throttle.keystroke();
        throttle.keystroke();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toBool(), true);
        QVERIFY(throttle.announced());
    }

    void typingIsAnnouncedAgainOnceTheRepeatIntervalPassed()
    {
        TypingThrottle throttle(0, 60 * 60 * 1000);
        QSignalSpy spy(&throttle, &TypingThrottle::typingChanged);
        throttle.keystroke();
        throttle.keystroke();
        QCOMPARE(spy.count(), 2);
    }

    void aQuietMomentWithdrawsTyping()
    {
        TypingThrottle throttle(60 * 60 * 1000, 1);
        QSignalSpy spy(&throttle, &TypingThrottle::typingChanged);
        throttle.keystroke();
        QVERIFY(spy.wait());
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).toBool(), false);
        QVERIFY(!throttle.announced());
        throttle.keystroke(); // announced anew after the withdrawal
        QCOMPARE(spy.count(), 3);
        QCOMPARE(spy.at(2).at(0).toBool(), true);
    }

    void sendingEndsTypingWithoutAWithdrawal()
    {
        TypingThrottle throttle(60 * 60 * 1000, 1);
        QSignalSpy spy(&throttle, &TypingThrottle::typingChanged);
        throttle.keystroke();
        throttle.reset();
        QVERIFY(!spy.wait(50)); // the quiet timer was stopped: nothing more comes
        QCOMPARE(spy.count(), 1);
        throttle.keystroke();
        QCOMPARE(spy.count(), 2);
    }

private:
    QTemporaryDir m_dir;
    Core m_core;
};

QTEST_GUILESS_MAIN(TstCoreTasks)

#include "tst_coretasks.moc"
