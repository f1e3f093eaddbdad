#include "ui/requestlistmodel.h"

namespace lobby::ui {

using namespace lobby::chat;

namespace {

QString minutesText(qint64 minutes)
{
    if (minutes < 1)
        return QStringLiteral("just now");
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    if (minutes < 24 * 60)
        return minutes % 60 ? QStringLiteral("%1 h %2 min").arg(minutes / 60).arg(minutes % 60)
                            : QStringLiteral("%1 h").arg(minutes / 60);
    return QStringLiteral("%1 d").arg(minutes / (24 * 60));
}

bool before(const ServiceRequest &a, const ServiceRequest &b)
{
    return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
}

} // namespace

RequestListModel::RequestListModel(QList<RequestStatus> statuses, QObject *parent)
    : QAbstractListModel(parent), m_statuses(std::move(statuses))
{}

int RequestListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> RequestListModel::roleNames() const
{
    return {{RequestIdRole, "requestId"},
            {ConversationIdRole, "conversationId"},
            {TitleRole, "title"},
            {WhereRole, "where"},
            {CategoryRole, "category"},
            {CategoryLabelRole, "categoryLabel"},
            {StatusRole, "status"},
            {DepartmentRole, "department"},
            {AssigneeNameRole, "assigneeName"},
            {CreatedAtRole, "createdAt"},
            {WaitingRole, "waiting"},
            {UrgencyRole, "urgency"},
            {SummaryRole, "summary"}};
}

int RequestListModel::urgency(const ServiceRequest &r) const
{
    if (isFinal(r.status))
        return 0;
    const auto limits = m_thresholds.value(r.category, {15, 30});
    const qint64 minutes = r.createdAt.secsTo(m_now) / 60;
    return minutes >= limits.second ? 2 : minutes >= limits.first ? 1 : 0;
}

QVariant RequestListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const ServiceRequest &r = m_rows.at(index.row());
    switch (Role(role)) {
    case RequestIdRole:
        return r.id;
    case ConversationIdRole:
        return r.conversationId;
    case TitleRole:
        return r.details;
    case WhereRole:
        return r.roomNumber.isEmpty() ? r.placeName : QStringLiteral("Room %1").arg(r.roomNumber);
    case CategoryRole:
        return r.category;
    case CategoryLabelRole:
        return r.categoryLabel;
    case StatusRole:
        return wireName(r.status);
    case DepartmentRole:
        return r.department;
    case AssigneeNameRole:
        return r.assigneeName;
    case CreatedAtRole:
        return r.createdAt;
    case WaitingRole:
        return minutesText(r.createdAt.secsTo(isFinal(r.status) ? r.doneAt : m_now) / 60);
    case UrgencyRole:
        return urgency(r);
    case SummaryRole: {
        QStringList parts{r.roomNumber.isEmpty() ? r.placeName
                                                 : QStringLiteral("Room %1").arg(r.roomNumber),
                          r.categoryLabel};
        if (r.department != r.categoryLabel)
            parts << r.department;
        parts.removeAll(QString());
        return parts.join(QStringLiteral(" · "));
    }
    }
    return {};
}

void RequestListModel::setNow(const QDateTime &now)
{
    if (now == m_now)
        return;
    m_now = now;
    Q_EMIT nowChanged();
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {WaitingRole, UrgencyRole});
}

void RequestListModel::setThresholds(const QHash<QString, QPair<int, int>> &thresholds)
{
    m_thresholds = thresholds;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), {UrgencyRole});
}

bool RequestListModel::accepts(const ServiceRequest &r) const
{
    return m_statuses.contains(r.status) && (m_category.isEmpty() || r.category == m_category) &&
           (m_department.isEmpty() || r.department == m_department);
}

int RequestListModel::rowOf(qint64 requestId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == requestId)
            return row;
    }
    return -1;
}

int RequestListModel::insertionRow(const ServiceRequest &request) const
{
    int row = 0;
    while (row < m_rows.size() && before(m_rows.at(row), request))
        ++row;
    return row;
}

void RequestListModel::setFilter(const QString &category, const QString &department)
{
    if (category == m_category && department == m_department)
        return;
    m_category = category;
    m_department = department;
    reset(m_all);
}

void RequestListModel::reset(const QList<ServiceRequest> &requests)
{
    beginResetModel();
    m_all = requests;
    m_rows.clear();
    for (const ServiceRequest &r : requests) {
        if (accepts(r))
            m_rows.append(r);
    }
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    Q_EMIT countChanged();
}

void RequestListModel::apply(const ServiceRequest &request)
{
    bool known = false;
    for (ServiceRequest &r : m_all) {
        if (r.id == request.id) {
            r = request;
            known = true;
        }
    }
    if (!known)
        m_all.append(request);

    const int row = rowOf(request.id);
    const bool wanted = accepts(request);
    if (row >= 0 && wanted) {
        m_rows[row] = request;
        Q_EMIT dataChanged(index(row), index(row));
    } else if (row >= 0) {
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        Q_EMIT countChanged();
    } else if (wanted) {
        const int at = insertionRow(request);
        beginInsertRows({}, at, at);
        m_rows.insert(at, request);
        endInsertRows();
        Q_EMIT countChanged();
    }
}

qint64 RequestListModel::requestIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}

} // namespace lobby::ui
