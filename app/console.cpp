#include "console.h"

#include "chat/chatservice.h"
#include "consolecontroller.h"
#include "consoletranscript.h"
#include "core.h"
#include "demo.h"
#include "qrcode.h"
#include "screenshotscene.h"
#include "ui/conversationfiltermodel.h"
#include "ui/conversationlistmodel.h"
#include "ui/messagelistmodel.h"
#include "ui/stallmonitor.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QNetworkInterface>
#include <QPainter>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSystemTrayIcon>
#include <QTextStream>
#include <QTimer>
#include <QUrl>

namespace lobby::app {

QString publicUrlFor(const QString &serverUrl)
{
    QUrl url(serverUrl);
    const QHostAddress host(url.host());
    if (host == QHostAddress::AnyIPv4 || host == QHostAddress::AnyIPv6 ||
        url.host() == u"0.0.0.0") {
        QString lan = QStringLiteral("localhost");
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback()) {
                lan = address.toString();
                break;
            }
        }
        url.setHost(lan);
    }
    return url.toString(QUrl::StripTrailingSlash);
}

namespace {

// The tray icon: a rounded "L" with a red badge carrying the unread total.
QIcon trayIcon(int unread)
{
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(QColor(0x2f, 0x6f, 0xed));
    p.setPen(Qt::NoPen);
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 14, 14);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setBold(true);
    font.setPixelSize(38);
    p.setFont(font);
    p.setPen(Qt::white);
    p.drawText(QRect(0, 0, 64, 64), Qt::AlignCenter, QStringLiteral("L"));
    if (unread > 0) {
        p.setBrush(QColor(0xe5, 0x48, 0x4d));
        p.setPen(Qt::NoPen);
        p.drawEllipse(QRectF(30, 0, 34, 34));
        font.setPixelSize(unread > 9 ? 16 : 22);
        p.setFont(font);
        p.setPen(Qt::white);
        p.drawText(QRect(30, 0, 34, 34), Qt::AlignCenter,
                   unread > 99 ? QStringLiteral("99+") : QString::number(unread));
    }
    return QIcon(pixmap);
}

} // namespace

Console::Console(Core &core, const QString &serverUrl)
    : m_core(core),
      m_controller(std::make_unique<ConsoleController>(core, serverUrl, publicUrlFor(serverUrl)))
{}

Console::~Console()
{
    if (m_stalls && !m_stalls->writeReport(m_stallReport))
        qWarning("lobby: cannot write the stall report to %s", qPrintable(m_stallReport));
    m_stalls.reset();
    m_tray.reset();
    m_engine.reset();
    m_controller.reset();
}

bool Console::show(QString *error)
{
    // Widgets are there for the tray icon only; without a tray the console works the same.
    if (qobject_cast<QApplication *>(QCoreApplication::instance()) &&
        QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = std::make_unique<QSystemTrayIcon>(trayIcon(0));
        m_tray->setToolTip(QStringLiteral("Lobby"));
        m_tray->show();
        m_controller->setTrayAvailable(true);
        QObject::connect(&m_controller->inboxModel(),
                         &ui::ConversationListModel::totalUnreadChanged, m_tray.get(),
                         [this] { updateTray(m_controller->inboxModel().totalUnread()); });
        QObject::connect(m_tray.get(), &QSystemTrayIcon::activated, m_tray.get(), [this] {
            if (m_window) {
                m_window->show();
                m_window->raise();
                m_window->requestActivate();
            }
        });
    }

    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImageProvider(QStringLiteral("qr"), new QrImageProvider);
    m_engine->setInitialProperties(
        {{QStringLiteral("backend"), QVariant::fromValue<QObject *>(m_controller.get())}});
    m_engine->load(QUrl(QStringLiteral("qrc:/Lobby/Console/Main.qml")));
    if (m_engine->rootObjects().isEmpty()) {
        *error = QStringLiteral("the console's QML could not be loaded");
        return false;
    }
    m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    if (m_window) {
        QObject::connect(m_window, &QWindow::activeChanged, m_controller.get(),
                         [this] { m_controller->setWindowActive(m_window->isActive()); });
    }
    // A new message from a guest, visitor or customer while staff look elsewhere: a sound and a
    // desktop notification (through the tray; without one the taskbar entry is flagged).
    QObject::connect(m_controller.get(), &ConsoleController::incomingMessage, m_controller.get(),
                     [this](qint64, const QString &title, const QString &text, bool active) {
                         if (active)
                             return;
                         QApplication::beep();
                         if (m_tray)
                             m_tray->showMessage(title, text, QSystemTrayIcon::Information, 8000);
                         else if (m_window)
                             m_window->alert(0);
                     });

    // Opt-in instrumentation and automation (README, "Command line"), off by default.
    m_stallReport = qEnvironmentVariable("LOBBY_STALL_REPORT");
    if (!m_stallReport.isEmpty()) {
        m_stalls = std::make_unique<ui::StallMonitor>();
        m_stalls->watch(&m_controller->inboxModel());
        m_stalls->watch(qobject_cast<QAbstractItemModel *>(m_controller->conversations()));
        m_stalls->watch(&m_controller->messageModel());
        m_stalls->start();
    }
    startConsoleTranscript(*m_controller, qEnvironmentVariable("LOBBY_CONSOLE_TRANSCRIPT"));
    if (const QString account = qEnvironmentVariable("LOBBY_SIGN_IN"); !account.isEmpty())
        signInFromEnvironment(account);
    return true;
}

void Console::signInFromEnvironment(const QString &value)
{
    const QString email = value.section(u':', 0, 0);
    ConsoleController *controller = m_controller.get();
    QObject::connect(controller, &ConsoleController::signInErrorChanged, controller, [controller] {
        if (!controller->signInError().isEmpty())
            QTextStream(stderr) << "lobby: LOBBY_SIGN_IN: " << controller->signInError() << "\n";
    });
    // signedInChanged comes with the inbox loaded: open its newest conversation, as staff would.
    auto opened = std::make_shared<bool>(false);
    QObject::connect(
        controller, &ConsoleController::signedInChanged, controller, [controller, email, opened] {
            auto *inbox = qobject_cast<ui::ConversationFilterModel *>(controller->conversations());
            if (!controller->signedIn() || !inbox || *opened)
                return;
            *opened = true;
            const qint64 newest = inbox->rowCount() > 0 ? inbox->conversationIdAt(0) : 0;
            if (newest)
                controller->selectConversation(newest);
            QTextStream(stdout) << "Console signed in as " << email << ", conversation " << newest
                                << " open" << Qt::endl;
        });
    controller->signIn(email, value.section(u':', 1));
}

void Console::updateTray(int unread)
{
    if (!m_tray)
        return;
    m_tray->setIcon(trayIcon(unread));
    m_tray->setToolTip(unread > 0 ? QStringLiteral("Lobby: %1 unread").arg(unread)
                                  : QStringLiteral("Lobby"));
}

void Console::takeScreenshot(const QString &path)
{
    m_core.runBlocking([](CoreRuntime &runtime) { addScreenshotScene(runtime.chat()); });
    m_controller->setWindowActive(true);
    m_controller->signInWithoutPassword(QLatin1String(demo::adminEmail));
    auto *poll = new QTimer(m_controller.get());
    auto *clock = new QElapsedTimer;
    clock->start();
    poll->setInterval(100);
    QObject::connect(poll, &QTimer::timeout, m_controller.get(), [this, poll, clock, path] {
        ConsoleController &c = *m_controller;
        auto *inbox = qobject_cast<ui::ConversationFilterModel *>(c.conversations());
        if (clock->elapsed() > 30000) {
            poll->stop();
            qWarning("lobby: the console did not get ready for a screenshot");
            QCoreApplication::exit(1);
            return;
        }
        if (!c.signedIn() || !inbox || inbox->rowCount() == 0)
            return;
        if (!c.currentConversationId()) {
            c.selectConversation(inbox->conversationIdAt(0));
            return;
        }
        const ui::MessageListModel &messages = c.messageModel();
        if (messages.loading() || messages.count() == 0 || c.details().isEmpty())
            return;
        poll->stop();
        delete clock;
        // A few frames for the views to lay out the new rows.
        QTimer::singleShot(700, m_controller.get(), [this, path] {
            const QImage image = m_window ? m_window->grabWindow() : QImage();
            const bool saved = !image.isNull() && image.save(path);
            if (!saved)
                qWarning("lobby: cannot save the screenshot to %s", qPrintable(path));
            QCoreApplication::exit(saved ? 0 : 1);
        });
    });
    poll->start();
}

} // namespace lobby::app
