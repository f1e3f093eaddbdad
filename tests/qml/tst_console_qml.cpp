// Qt Quick Test for the console's views against a real core thread (database, ChatService,
// server on a free port) with the demo hotel and a few lively conversations.
#include "consolecontroller.h"
#include "core.h"
#include "qrcode.h"
#include "requestscontroller.h"
#include "screenshotscene.h"

#include <QFile>
#include <QImage>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QTemporaryDir>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Lobby_ConsolePlugin)
Q_IMPORT_QML_PLUGIN(Lobby_BackendPlugin)

using namespace lobby::app;
using namespace lobby::chat;

// What the tests read and queue in ChatService behind the views' back, to check what the views
// stored and to give the webhook outbox something to deliver.
class ChatProbe : public QObject
{
    Q_OBJECT

public:
    ChatProbe(Core &core, const ConsoleController &controller)
        : m_core(core), m_controller(controller)
    {}

    // The signed-in site's webhook as ChatService stores it; empty when none.
    Q_INVOKABLE QString storedWebhookUrl() const
    {
        QString url;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            if (const auto webhook = runtime.chat().webhookOfSite(siteId()))
                url = webhook->url;
        });
        return url;
    }
    Q_INVOKABLE bool queueWebhookBatch() const
    {
        bool queued = false;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            queued = bool(runtime.chat().enqueueWebhook(siteId(), R"({"time_ms":1,"events":[]})"));
        });
        return queued;
    }

    // A request in the site's first room conversation, as the signed-in staff member made it;
    // its conversation id (0 when none could be made).
    Q_INVOKABLE qint64 makeRoomRequest(const QString &details) const
    {
        qint64 conversationId = 0;
        const Actor staff{ActorKind::Staff,
                          m_controller.staff().value(QStringLiteral("id")).toLongLong()};
        m_core.runBlocking([&](CoreRuntime &runtime) {
            for (const ConversationSummary &s :
                 runtime.chat().conversationSummaries(siteId(), staff)) {
                if (s.conversation.kind != ConversationKind::Room || s.conversation.archived)
                    continue;
                if (runtime.chat().createRequest(
                        {s.conversation.id, staff, QStringLiteral("housekeeping"), details}))
                    conversationId = s.conversation.id;
                return;
            }
        });
        return conversationId;
    }
    Q_INVOKABLE QString lastMessageOf(qint64 conversationId) const
    {
        QString text;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            const MessagePage page = runtime.chat().messagePage(conversationId, 0, 1);
            if (!page.messages.isEmpty())
                text = page.messages.constLast().content;
        });
        return text;
    }
    // The id of the signed-in site's conversation titled `title`; 0 when there is none.
    Q_INVOKABLE qint64 conversationIdTitled(const QString &title) const
    {
        qint64 id = 0;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            for (const auto &summary : runtime.chat().conversationSummaries(
                     siteId(), {lobby::chat::ActorKind::System, 0}))
                if (summary.conversation.title == title)
                    id = summary.conversation.id;
        });
        return id;
    }
    // Posts `text` as the conversation's guest or visitor, as their phone or browser would.
    Q_INVOKABLE bool postAsGuest(qint64 conversationId, const QString &text) const
    {
        bool posted = false;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            using namespace lobby::chat;
            for (const Participant &p :
                 runtime.chat().messagePage(conversationId, 0, 1).participants) {
                if (p.actor.kind == ActorKind::Guest || p.actor.kind == ActorKind::Visitor) {
                    MessageDraft draft;
                    draft.content = text;
                    posted = bool(runtime.chat().postMessage(conversationId, p.actor, draft));
                    return;
                }
            }
        });
        return posted;
    }
    // What Settings stored, read from ChatService: a room's PIN hash, a staff account by email
    // (empty when there is none), the FAQ questions.
    Q_INVOKABLE QString roomPinHash(const QString &number) const
    {
        QString hash;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            for (const auto &room : runtime.chat().consoleSettings(siteId()).rooms)
                if (room.number == number)
                    hash = room.pinHash;
        });
        return hash;
    }
    Q_INVOKABLE QVariantMap staffAccount(const QString &email) const
    {
        QVariantMap found;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            for (const auto &account : runtime.chat().consoleSettings(siteId()).staff)
                if (account.email == email)
                    found = {
                        {QStringLiteral("name"), account.name},
                        {QStringLiteral("jobTitle"), account.jobTitle},
                        {QStringLiteral("admin"), account.role == lobby::chat::StaffRole::Admin}};
        });
        return found;
    }
    Q_INVOKABLE QStringList faqQuestions() const
    {
        QStringList questions;
        m_core.runBlocking([&](CoreRuntime &runtime) {
            for (const auto &entry : runtime.chat().consoleSettings(siteId()).faq)
                questions << entry.question + QStringLiteral(" = ") + entry.answer;
        });
        return questions;
    }

private:
    qint64 siteId() const { return m_controller.site().value(QStringLiteral("id")).toLongLong(); }

    Core &m_core;
    const ConsoleController &m_controller;
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/"));
        engine->addImageProvider(QStringLiteral("qr"), new QrImageProvider);
        if (!m_controller) {
            CoreConfig config;
            config.data.root = m_dir.path();
            config.demo = true;
            QString error;
            if (!m_core.start(config, &error))
                qFatal("cannot start the core: %s", qPrintable(error));
            m_core.runBlocking([](CoreRuntime &runtime) { addScreenshotScene(runtime.chat()); });
            quint16 port = 0;
            m_core.runBlocking([&](CoreRuntime &runtime) { port = runtime.port(); });
            const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);
            m_controller = std::make_unique<ConsoleController>(m_core, url, url);
            m_probe = std::make_unique<ChatProbe>(m_core, *m_controller);
            m_requests = std::make_unique<RequestsController>(m_core);
            m_requests->follow(*m_controller);
        }
        engine->rootContext()->setContextProperty(QStringLiteral("chatProbe"), m_probe.get());
        engine->rootContext()->setContextProperty(QStringLiteral("consoleBackend"),
                                                  m_controller.get());
        engine->rootContext()->setContextProperty(QStringLiteral("consoleRequests"),
                                                  m_requests.get());
        // Files for the composer's attach button: a real PNG and something that is not allowed.
        QImage image(40, 30, QImage::Format_RGB32);
        image.fill(Qt::darkGreen);
        image.save(m_dir.filePath(QStringLiteral("map.png")));
        QFile script(m_dir.filePath(QStringLiteral("notes.sh")));
        if (script.open(QIODevice::WriteOnly))
            script.write("#!/bin/sh\necho hello\n");
        engine->rootContext()->setContextProperty(
            QStringLiteral("testImageUrl"),
            QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("map.png"))));
        // Where tst_workflow.qml saves pictures of the views it drives, when asked to.
        engine->rootContext()->setContextProperty(QStringLiteral("consoleShots"),
                                                  qEnvironmentVariable("LOBBY_SHOTS"));
        engine->rootContext()->setContextProperty(
            QStringLiteral("testScriptUrl"),
            QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("notes.sh"))));
    }

    void cleanupTestCase()
    {
        m_probe.reset();
        m_requests.reset();
        m_controller.reset();
        m_core.stop();
    }

private:
    QTemporaryDir m_dir;
    Core m_core;
    std::unique_ptr<ConsoleController> m_controller;
    std::unique_ptr<ChatProbe> m_probe;
    std::unique_ptr<RequestsController> m_requests;
};

QUICK_TEST_MAIN_WITH_SETUP(console, Setup)

#include "tst_console_qml.moc"
