#include "ui/eventbatcher.h"

namespace lobby::ui {

EventBatcher::EventBatcher(int intervalMs, QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventBatcher::flush);
}

void EventBatcher::add(const chat::DomainEvent &event)
{
    m_pending.append(event);
    // The first event of a quiet period starts the clock; later ones ride along.
    if (!m_timer.isActive())
        m_timer.start();
}

void EventBatcher::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    chat::DomainEvents batch;
    batch.swap(m_pending);
    ++m_batchesSent;
    Q_EMIT batchReady(batch);
}

} // namespace lobby::ui
