#include "console.h"

#include "chat/chatservice.h"
#include "core.h"
#include "store/store.h"
#include "ui/conversationlistmodel.h"
#include "ui/eventbatcher.h"

#include <QQmlApplicationEngine>

namespace lobby::app {

Console::Console(Core &core, const QString &serverUrl)
    : m_core(core), m_serverUrl(serverUrl),
      m_conversations(std::make_unique<ui::ConversationListModel>())
{}

Console::~Console()
{
    m_engine.reset();
}

bool Console::show(QString *error)
{
    ui::ConversationListModel *model = m_conversations.get();
    m_core.runBlocking([model](CoreRuntime &runtime) {
        chat::ChatService &chat = runtime.chat();
        // Until staff sign in, the inbox shows the first site as its first admin sees it.
        const QList<chat::Site> sites = chat.store().sites();
        if (sites.isEmpty())
            return;
        const chat::Site site = sites.constFirst();
        const QList<chat::Account> staff =
            chat.store().accountsOfSite(site.id, chat::AccountKind::Staff);
        const chat::Actor viewer = staff.isEmpty() ? chat::Actor{} : staff.constFirst().actor();
        // Subscribe before the snapshot: later events are applied on top of it idempotently.
        auto *batcher = new ui::EventBatcher(50, &runtime);
        QObject::connect(&chat, &chat::ChatService::event, batcher, &ui::EventBatcher::add);
        QObject::connect(batcher, &ui::EventBatcher::batchReady, model,
                         &ui::ConversationListModel::applyEvents);
        const auto snapshot = chat.conversationSummaries(site.id, viewer);
        QMetaObject::invokeMethod(model, [model, site, viewer, snapshot] {
            model->setViewer(site.id, viewer);
            model->resetConversations(snapshot);
        });
    });

    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->setInitialProperties({{QStringLiteral("conversations"), QVariant::fromValue(model)},
                                    {QStringLiteral("serverUrl"), m_serverUrl}});
    m_engine->load(QUrl(QStringLiteral("qrc:/Lobby/Console/Main.qml")));
    if (m_engine->rootObjects().isEmpty()) {
        *error = QStringLiteral("the console's QML could not be loaded");
        return false;
    }
    return true;
}

} // namespace lobby::app
