#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace lobby::realtime {

// Topic -> subscribed connections. A publisher encodes an event once per wire format and hands
// the same bytes to every subscriber of the topic. Subscriptions end with their subscriber.
class Hub : public QObject
{
    Q_OBJECT

public:
    using Sink = std::function<void(const QByteArray &frame)>;

    explicit Hub(QObject *parent = nullptr);

    void subscribe(const QString &topic, QObject *subscriber, Sink sink);
    void unsubscribe(const QString &topic, QObject *subscriber);
    void unsubscribeAll(QObject *subscriber);

    // Returns how many subscribers received the frame.
    int publish(const QString &topic, const QByteArray &frame, const QObject *except = nullptr);

    int subscriberCount(const QString &topic) const;
    bool isSubscribed(const QString &topic, const QObject *subscriber) const;

private:
    QHash<QString, QHash<QObject *, Sink>> m_topics;
    QHash<QObject *, QStringList> m_topicsOf;
};

} // namespace lobby::realtime
