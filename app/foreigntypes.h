#pragma once

// The Qt item models of models/ui as QML types of Lobby.Backend, declared here so that models/
// stays free of QML. QML reads them through ConsoleController's typed properties only.
#include "ui/conversationfiltermodel.h"
#include "ui/conversationlistmodel.h"
#include "ui/messagelistmodel.h"
#include "ui/recordlistmodel.h"

#include <QQmlEngine>

namespace lobby::app {

struct ForeignConversationListModel
{
    Q_GADGET
    QML_FOREIGN(lobby::ui::ConversationListModel)
    QML_NAMED_ELEMENT(ConversationListModel)
    QML_UNCREATABLE("owned by ConsoleController")
};

struct ForeignConversationFilterModel
{
    Q_GADGET
    QML_FOREIGN(lobby::ui::ConversationFilterModel)
    QML_NAMED_ELEMENT(ConversationFilterModel)
    QML_UNCREATABLE("owned by ConsoleController")
};

struct ForeignMessageListModel
{
    Q_GADGET
    QML_FOREIGN(lobby::ui::MessageListModel)
    QML_NAMED_ELEMENT(MessageListModel)
    QML_UNCREATABLE("owned by ConsoleController")
};

struct ForeignRecordListModel
{
    Q_GADGET
    QML_FOREIGN(lobby::ui::RecordListModel)
    QML_NAMED_ELEMENT(RecordListModel)
    QML_UNCREATABLE("owned by SettingsController")
};

} // namespace lobby::app
