#pragma once

#include <QObject>

class QSocketNotifier;

namespace lobby::app {

// Turns SIGINT and SIGTERM into a signal in the main event loop (self-pipe), so shutdown runs
// in order: stop accepting, let the core thread finish its current write, close the database.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace lobby::app
