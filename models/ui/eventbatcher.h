#pragma once

#include "chat/domainevent.h"

#include <QObject>
#include <QTimer>

namespace lobby::ui {

// Collects domain events in the core thread and hands them on as one batch per interval, so a
// burst of a thousand messages costs the GUI thread a few queued calls instead of a thousand.
class EventBatcher : public QObject
{
    Q_OBJECT

public:
    explicit EventBatcher(int intervalMs = 50, QObject *parent = nullptr);

    int batchesSent() const { return m_batchesSent; }

public Q_SLOTS:
    void add(const lobby::chat::DomainEvent &event);
    void flush();

Q_SIGNALS:
    void batchReady(const lobby::chat::DomainEvents &events);

private:
    QTimer m_timer;
    chat::DomainEvents m_pending;
    int m_batchesSent = 0;
};

} // namespace lobby::ui
