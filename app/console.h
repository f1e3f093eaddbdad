#pragma once

#include <QString>

#include <memory>

class QQmlApplicationEngine;

namespace lobby::ui {
class ConversationListModel;
}

namespace lobby::app {

class Core;

// The staff console: QML views over models fed by batched domain events from the core thread.
class Console
{
public:
    Console(Core &core, const QString &serverUrl);
    ~Console();

    bool show(QString *error);

private:
    Core &m_core;
    QString m_serverUrl;
    std::unique_ptr<ui::ConversationListModel> m_conversations;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

} // namespace lobby::app
