#include "consoletranscript.h"
#include "logging.h"

#include "consolecontroller.h"
#include "ui/messagelistmodel.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace lobby::app {

namespace {

QJsonValue toJson(const QVariant &value)
{
    if (value.metaType().id() == QMetaType::QDateTime)
        return value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
    return QJsonValue::fromVariant(value);
}

// Every row with every role, by the role names QML uses.
QJsonArray rowsOf(const QAbstractItemModel &model, bool reversed)
{
    const QHash<int, QByteArray> roles = model.roleNames();
    QJsonArray rows;
    for (int i = 0; i < model.rowCount(); ++i) {
        const QModelIndex index = model.index(reversed ? model.rowCount() - 1 - i : i, 0);
        QJsonObject row;
        for (auto role = roles.cbegin(); role != roles.cend(); ++role) {
            if (role.key() >= Qt::UserRole)
                row.insert(QString::fromLatin1(role.value()),
                           toJson(model.data(index, role.key())));
        }
        rows.append(row);
    }
    return rows;
}

class ConsoleTranscript : public QObject
{
public:
    ConsoleTranscript(ConsoleController &controller, const QString &path)
        : QObject(&controller), m_controller(controller), m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
            qCWarning(lcConsole, "cannot write the console transcript to %s", qPrintable(path));
        // Changes arrive in batches: one line per turn of the event loop at most.
        m_pending.setSingleShot(true);
        m_pending.setInterval(0);
        connect(&m_pending, &QTimer::timeout, this, &ConsoleTranscript::write);
        watch(qobject_cast<QAbstractItemModel *>(controller.conversations()));
        watch(&controller.messageModel());
        connect(&controller.messageModel(), &ui::MessageListModel::typingTextChanged, this,
                &ConsoleTranscript::changed);
        connect(&controller, &ConsoleController::signedInChanged, this,
                &ConsoleTranscript::changed);
        connect(&controller, &ConsoleController::currentChanged, this, &ConsoleTranscript::changed);
        connect(&controller, &ConsoleController::detailsChanged, this, &ConsoleTranscript::changed);
        changed();
    }

private:
    void watch(QAbstractItemModel *model)
    {
        if (!model)
            return;
        connect(model, &QAbstractItemModel::rowsInserted, this, &ConsoleTranscript::changed);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ConsoleTranscript::changed);
        connect(model, &QAbstractItemModel::rowsMoved, this, &ConsoleTranscript::changed);
        connect(model, &QAbstractItemModel::dataChanged, this, &ConsoleTranscript::changed);
        connect(model, &QAbstractItemModel::layoutChanged, this, &ConsoleTranscript::changed);
        connect(model, &QAbstractItemModel::modelReset, this, &ConsoleTranscript::changed);
    }

    void changed() { m_pending.start(); }

    void write()
    {
        if (!m_file.isOpen())
            return;
        QJsonObject state;
        state.insert(QStringLiteral("signed_in"), m_controller.signedIn());
        if (const auto *inbox = qobject_cast<QAbstractItemModel *>(m_controller.conversations()))
            state.insert(QStringLiteral("inbox"), rowsOf(*inbox, false));
        state.insert(QStringLiteral("conversation_id"), m_controller.currentConversationId());
        // The message model is newest first; the transcript lists them as read, oldest first.
        state.insert(QStringLiteral("messages"), rowsOf(m_controller.messageModel(), true));
        state.insert(QStringLiteral("typing"), m_controller.messageModel().typingText());
        state.insert(QStringLiteral("details"),
                     QJsonObject::fromVariantMap(m_controller.details()));
        if (state == m_last)
            return;
        m_last = state;
        QJsonObject line = state;
        line.insert(QStringLiteral("at_ms"), QDateTime::currentMSecsSinceEpoch());
        m_file.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
        m_file.flush();
    }

    ConsoleController &m_controller;
    QFile m_file;
    QTimer m_pending;
    QJsonObject m_last;
};

} // namespace

void startConsoleTranscript(ConsoleController &controller, const QString &path)
{
    if (!path.isEmpty())
        new ConsoleTranscript(controller, path); // owned by the controller
}

} // namespace lobby::app
