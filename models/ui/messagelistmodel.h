#pragma once

#include "chat/chatservice.h"
#include "chat/domainevent.h"

#include <QAbstractListModel>
#include <QHash>
#include <QSet>

#include <functional>

namespace lobby::ui {

// The messages of one conversation, newest first (row 0 is the newest: the view lays it out
// bottom to top). History arrives in pages: the first page when a conversation is opened, older
// ones through fetchMore() when the view scrolls up, each inserted with one beginInsertRows.
// Live messages, read receipts and typing come from batches of domain events.
class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationIdChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(bool hasOlder READ hasOlder NOTIFY hasOlderChanged)
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role
    {
        IdRole = Qt::UserRole + 1, // message id
        SenderKindRole,            // "staff", "guest", "visitor", "customer", "assistant", ...
        SenderNameRole,            // ChatService::displayName: "Maria Garcia", "Visitor 3F7A2C"
        OutgoingRole,              // bool: sent by the hotel side (staff, assistant, system)
        MineRole,                  // bool: sent by the signed-in viewer
        TypeRole,                  // "text", "image", "voice", "file", "system"
        TextRole,                  // the content, to be shown as plain text
        MediaUrlRole,              // image/voice/file address, may be empty
        ReplyToIdRole,             // id of the message replied to, 0 when none
        ReplySenderRole,           // who wrote the message replied to
        ReplyTextRole,             // what it said (shortened)
        CreatedAtRole,             // QDateTime
        ReadRole,                  // bool: outgoing and read by the other side
        ContinuationRole,          // bool: same sender as the message before, within 5 minutes
        DayBreakRole,              // bool: the first message of its day (show a date above it)
        MediaSourceRole,           // what the console loads: the server's address, and the
                                   // viewer's token for permission-checked uploads
    };
    Q_ENUM(Role)

    // Asks for a page: the newest `limit` messages below beforeId (0: the newest), answered
    // later with addPage(). Wired to the core thread by the app; tests answer directly.
    using PageLoader = std::function<void(qint64 conversationId, qint64 beforeId, int limit)>;

    explicit MessageListModel(QObject *parent = nullptr);

    void setPageLoader(PageLoader loader) { m_loader = std::move(loader); }
    void setViewer(const chat::Actor &viewer) { m_viewer = viewer; }
    // Where relative media addresses point (the server) and the token uploads are fetched with.
    void setMediaAccess(const QString &serverUrl, const QString &token);
    void setPageSize(int size) { m_pageSize = size; }

    qint64 conversationId() const { return m_conversationId; }
    bool loading() const { return m_loading; }
    bool hasOlder() const { return m_hasMore; }
    QString typingText() const;
    int count() const { return int(m_rows.size()); }
    qint64 newestId() const { return m_rows.isEmpty() ? 0 : m_rows.constFirst().message.id; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    Q_INVOKABLE void loadOlder() { fetchMore({}); }
    Q_INVOKABLE int rowOfMessage(qint64 messageId) const;

public Q_SLOTS:
    // Shows another conversation (0: none) and asks for its newest page.
    void open(qint64 conversationId);
    void addPage(const lobby::chat::MessagePage &page);
    void applyEvents(const lobby::chat::DomainEvents &events);

Q_SIGNALS:
    void conversationIdChanged();
    void loadingChanged();
    void hasOlderChanged();
    void typingTextChanged();
    void countChanged();
    // Messages from the other side arrived in the open conversation.
    void incomingMessages(qint64 conversationId, qint64 newestId);

private:
    struct Row
    {
        chat::Message message;
        bool continuation = false;
        bool dayBreak = true;
    };

    bool isOutgoing(const chat::Actor &sender) const;
    QString nameOf(const chat::Actor &actor) const;
    const chat::Message *findMessage(qint64 id) const;
    // Recomputes the grouping flags of `row` from its older neighbour; returns the roles changed.
    QList<int> regroup(int row);
    void setLoading(bool loading);
    void setHasMore(bool hasMore);

    PageLoader m_loader;
    chat::Actor m_viewer;
    int m_pageSize = 50;
    qint64 m_conversationId = 0;
    bool m_loading = false;
    bool m_hasMore = false;
    bool m_firstPageArrived = false;
    QList<Row> m_rows;
    QHash<QString, QString> m_names;
    QHash<qint64, chat::Message> m_quoted;
    qint64 m_otherReadUpTo = 0;
    QList<chat::Actor> m_typing;
    QString m_serverUrl;
    QString m_mediaToken;
};

} // namespace lobby::ui
