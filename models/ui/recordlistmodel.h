#pragma once

#include <QAbstractListModel>
#include <QVariantMap>

namespace lobby::ui {

// A small list of records with named fields (rooms, API keys, staff, FAQ entries in the console's
// settings). setRecords() turns the current rows into the new list row by row, keyed by the
// "id" field: unchanged rows stay, changed fields are announced with only their roles.
class RecordListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    // `fields` become the role names, in order; "id" must be one of them.
    explicit RecordListModel(const QList<QByteArray> &fields, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_records.size()); }

    Q_INVOKABLE QVariantMap get(int row) const;

public Q_SLOTS:
    void setRecords(const QList<QVariantMap> &records);

Q_SIGNALS:
    void countChanged();

private:
    int rowOfId(const QVariant &id, int from) const;

    QList<QByteArray> m_fields;
    QList<QVariantMap> m_records;
};

} // namespace lobby::ui
