#include "ui/recordlistmodel.h"

namespace lobby::ui {

RecordListModel::RecordListModel(const QList<QByteArray> &fields, QObject *parent)
    : QAbstractListModel(parent), m_fields(fields)
{
    Q_ASSERT(fields.contains("id"));
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &RecordListModel::countChanged);
}

int RecordListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

QVariant RecordListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int field = role - Qt::UserRole - 1;
    if (field < 0 || field >= m_fields.size())
        return {};
    return m_records.at(index.row()).value(QString::fromLatin1(m_fields.at(field)));
}

QHash<int, QByteArray> RecordListModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_fields.size(); ++i)
        names.insert(Qt::UserRole + 1 + i, m_fields.at(i));
    return names;
}

QVariantMap RecordListModel::get(int row) const
{
    return row >= 0 && row < m_records.size() ? m_records.at(row) : QVariantMap();
}

int RecordListModel::rowOfId(const QVariant &id, int from) const
{
    for (int row = from; row < m_records.size(); ++row) {
        if (m_records.at(row).value(QStringLiteral("id")) == id)
            return row;
    }
    return -1;
}

void RecordListModel::setRecords(const QList<QVariantMap> &records)
{
    for (int i = 0; i < records.size(); ++i) {
        const QVariantMap &target = records.at(i);
        const int found = rowOfId(target.value(QStringLiteral("id")), i);
        if (found < 0) {
            beginInsertRows({}, i, i);
            m_records.insert(i, target);
            endInsertRows();
            continue;
        }
        if (found > i) {
            // The rows in between are gone (or come later: then they are inserted again).
            beginRemoveRows({}, i, found - 1);
            m_records.remove(i, found - i);
            endRemoveRows();
        }
        QList<int> roles;
        for (int field = 0; field < m_fields.size(); ++field) {
            const QString name = QString::fromLatin1(m_fields.at(field));
            if (m_records.at(i).value(name) != target.value(name))
                roles << Qt::UserRole + 1 + field;
        }
        m_records[i] = target;
        if (!roles.isEmpty())
            Q_EMIT dataChanged(index(i), index(i), roles);
    }
    if (m_records.size() > records.size()) {
        beginRemoveRows({}, int(records.size()), int(m_records.size()) - 1);
        m_records.resize(records.size());
        endRemoveRows();
    }
}

} // namespace lobby::ui
