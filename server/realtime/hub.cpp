#include "realtime/hub.h"

namespace lobby::realtime {

Hub::Hub(QObject *parent) : QObject(parent) {}

void Hub::subscribe(const QString &topic, QObject *subscriber, Sink sink)
{
    auto &subscribers = m_topics[topic];
    if (subscribers.contains(subscriber)) {
        subscribers[subscriber] = std::move(sink);
        return;
    }
    subscribers.insert(subscriber, std::move(sink));
    QStringList &topics = m_topicsOf[subscriber];
    if (topics.isEmpty()) {
        connect(subscriber, &QObject::destroyed, this,
                [this, subscriber] { unsubscribeAll(subscriber); });
    }
    topics.append(topic);
}

void Hub::unsubscribe(const QString &topic, QObject *subscriber)
{
    auto it = m_topics.find(topic);
    if (it == m_topics.end() || !it->remove(subscriber))
        return;
    if (it->isEmpty())
        m_topics.erase(it);
    auto topics = m_topicsOf.find(subscriber);
    topics->removeOne(topic);
    if (topics->isEmpty()) {
        m_topicsOf.erase(topics);
        disconnect(subscriber, &QObject::destroyed, this, nullptr);
    }
}

void Hub::unsubscribeAll(QObject *subscriber)
{
    const QStringList topics = m_topicsOf.take(subscriber);
    for (const QString &topic : topics) {
        auto it = m_topics.find(topic);
        if (it == m_topics.end())
            continue;
        it->remove(subscriber);
        if (it->isEmpty())
            m_topics.erase(it);
    }
}

int Hub::publish(const QString &topic, const QByteArray &frame, const QObject *except)
{
    const auto it = m_topics.constFind(topic);
    if (it == m_topics.constEnd())
        return 0;
    // A sink may unsubscribe (e.g. a socket closing): deliver over a copy.
    const QHash<QObject *, Sink> subscribers = *it;
    int delivered = 0;
    for (auto s = subscribers.cbegin(); s != subscribers.cend(); ++s) {
        if (s.key() == except)
            continue;
        s.value()(frame);
        ++delivered;
    }
    return delivered;
}

int Hub::subscriberCount(const QString &topic) const
{
    return int(m_topics.value(topic).size());
}

bool Hub::isSubscribed(const QString &topic, const QObject *subscriber) const
{
    const auto it = m_topics.constFind(topic);
    return it != m_topics.constEnd() && it->contains(const_cast<QObject *>(subscriber));
}

} // namespace lobby::realtime
