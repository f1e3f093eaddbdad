#include "openapivalidator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include <cmath>

namespace lobby::test {

namespace {

QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble());
    case QJsonValue::String:
        return QLatin1Char('"') + value.toString().left(60) + QLatin1Char('"');
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("nothing");
    }
}

bool hasType(const QJsonValue &value, const QString &type)
{
    if (type == u"object")
        return value.isObject();
    if (type == u"array")
        return value.isArray();
    if (type == u"string")
        return value.isString();
    if (type == u"boolean")
        return value.isBool();
    if (type == u"number")
        return value.isDouble();
    if (type == u"integer")
        return value.isDouble() && std::floor(value.toDouble()) == value.toDouble();
    return false;
}

bool isJson(const QByteArray &contentType)
{
    return contentType == "application/json" || contentType.endsWith("+json");
}

} // namespace

OpenApiValidator::OpenApiValidator(QJsonObject document) : m_document(std::move(document)) {}

const OpenApiValidator &OpenApiValidator::project()
{
    static const OpenApiValidator validator = [] {
        QFile file(QStringLiteral(":/openapi/openapi.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("the OpenAPI document is not compiled in");
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        if (error.error != QJsonParseError::NoError)
            qFatal("openapi.json: %s", qPrintable(error.errorString()));
        return OpenApiValidator(document.object());
    }();
    return validator;
}

QJsonObject OpenApiValidator::resolve(const QJsonObject &schema) const
{
    QJsonObject current = schema;
    for (int depth = 0; current.contains(QStringLiteral("$ref")) && depth < 32; ++depth) {
        const QString ref = current.value(QStringLiteral("$ref")).toString();
        if (!ref.startsWith(QLatin1String("#/")))
            qFatal("only local $ref are supported: %s", qPrintable(ref));
        QJsonValue node = m_document;
        for (const QString &part : ref.mid(2).split(QLatin1Char('/'))) {
            QString key = part;
            key.replace(QLatin1String("~1"), QLatin1String("/"))
                .replace(QLatin1String("~0"), QLatin1String("~"));
            node = node.toObject().value(key);
        }
        if (!node.isObject())
            qFatal("unresolved $ref %s", qPrintable(ref));
        current = node.toObject();
    }
    return current;
}

QSet<QString> OpenApiValidator::listedProperties(const QJsonObject &schema) const
{
    const QJsonObject s = resolve(schema);
    QSet<QString> names;
    const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it)
        names.insert(it.key());
    for (const QJsonValue &branch : s.value(QStringLiteral("allOf")).toArray())
        names.unite(listedProperties(branch.toObject()));
    return names;
}

QStringList OpenApiValidator::validate(const QJsonValue &value, const QJsonObject &schema) const
{
    QStringList errors;
    check(value, schema, QStringLiteral("$"), {}, errors);
    return errors;
}

void OpenApiValidator::check(const QJsonValue &value, const QJsonObject &schema,
                             const QString &where, const QSet<QString> &siblingProperties,
                             QStringList &errors) const
{
    const QJsonObject s = resolve(schema);
    const QString type = s.value(QStringLiteral("type")).toString();

    if (value.isNull()) {
        if (s.value(QStringLiteral("nullable")).toBool()) {
            if (type.isEmpty())
                errors << where + QStringLiteral(": null, but the schema's `nullable` has no "
                                                 "`type` beside it, which OpenAPI 3.0 ignores");
            return;
        }
        if (!type.isEmpty() || s.contains(QStringLiteral("enum")) ||
            s.contains(QStringLiteral("oneOf")) || s.contains(QStringLiteral("anyOf")) ||
            s.contains(QStringLiteral("allOf"))) {
            errors << where + QStringLiteral(": null where the document says never null");
            return;
        }
    }

    if (!type.isEmpty() && !hasType(value, type)) {
        errors << where +
                      QStringLiteral(": %1 where the document says %2").arg(describe(value), type);
        return;
    }
    if (s.contains(QStringLiteral("enum")) &&
        !s.value(QStringLiteral("enum")).toArray().contains(value))
        errors << where + QStringLiteral(": %1 is not one of %2")
                              .arg(describe(value),
                                   QString::fromUtf8(
                                       QJsonDocument(s.value(QStringLiteral("enum")).toArray())
                                           .toJson(QJsonDocument::Compact)));

    if (value.isString()) {
        const QString text = value.toString();
        if (s.contains(QStringLiteral("minLength")) &&
            text.size() < s.value(QStringLiteral("minLength")).toInt())
            errors << where + QStringLiteral(": shorter than minLength");
        if (s.contains(QStringLiteral("maxLength")) &&
            text.size() > s.value(QStringLiteral("maxLength")).toInt())
            errors << where + QStringLiteral(": longer than maxLength");
        static const QRegularExpression dateTime(
            QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)"));
        if (s.value(QStringLiteral("format")).toString() == u"date-time" &&
            !dateTime.match(text).hasMatch())
            errors << where + QStringLiteral(": %1 is not a date-time").arg(describe(value));
    }
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (s.contains(QStringLiteral("minimum")) &&
            number < s.value(QStringLiteral("minimum")).toDouble())
            errors << where + QStringLiteral(": %1 is below the minimum").arg(number);
        if (s.contains(QStringLiteral("maximum")) &&
            number > s.value(QStringLiteral("maximum")).toDouble())
            errors << where + QStringLiteral(": %1 is above the maximum").arg(number);
    }
    if (value.isArray()) {
        const QJsonArray items = value.toArray();
        if (s.contains(QStringLiteral("minItems")) &&
            items.size() < s.value(QStringLiteral("minItems")).toInt())
            errors << where + QStringLiteral(": fewer items than minItems");
        if (s.contains(QStringLiteral("maxItems")) &&
            items.size() > s.value(QStringLiteral("maxItems")).toInt())
            errors << where + QStringLiteral(": more items than maxItems");
        if (s.contains(QStringLiteral("items"))) {
            const QJsonObject itemSchema = s.value(QStringLiteral("items")).toObject();
            for (qsizetype i = 0; i < items.size(); ++i)
                check(items.at(i), itemSchema, where + QStringLiteral("[%1]").arg(i), {}, errors);
        }
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (const QJsonValue &name : s.value(QStringLiteral("required")).toArray()) {
            if (!object.contains(name.toString()))
                errors << where + QStringLiteral(": required `%1` is missing").arg(name.toString());
        }
        const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
        const QJsonValue additional = s.value(QStringLiteral("additionalProperties"));
        const bool strict = s.contains(QStringLiteral("properties")) ||
                            s.contains(QStringLiteral("additionalProperties"));
        QSet<QString> listed = siblingProperties;
        listed.unite(listedProperties(s));
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString field = where + QLatin1Char('.') + it.key();
            if (properties.contains(it.key()))
                check(it.value(), properties.value(it.key()).toObject(), field, {}, errors);
            else if (additional.isObject())
                check(it.value(), additional.toObject(), field, {}, errors);
            else if (strict && additional != QJsonValue(true) && !listed.contains(it.key()))
                errors << field + QStringLiteral(": served but not documented");
        }
    }

    const QJsonArray allOf = s.value(QStringLiteral("allOf")).toArray();
    if (!allOf.isEmpty()) {
        QSet<QString> listed = siblingProperties;
        listed.unite(listedProperties(s));
        for (const QJsonValue &branch : allOf)
            check(value, branch.toObject(), where, listed, errors);
    }
    for (const QString &keyword : {QStringLiteral("oneOf"), QStringLiteral("anyOf")}) {
        const QJsonArray branches = s.value(keyword).toArray();
        if (branches.isEmpty())
            continue;
        QSet<QString> listed = siblingProperties;
        const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it)
            listed.insert(it.key());
        int matches = 0;
        QStringList why;
        for (const QJsonValue &branch : branches) {
            QStringList branchErrors;
            check(value, branch.toObject(), where, listed, branchErrors);
            if (branchErrors.isEmpty())
                ++matches;
            else
                why << branchErrors.first();
        }
        if (matches == 0)
            errors << where + QStringLiteral(": matches none of %1 (%2)")
                                  .arg(keyword, why.join(QStringLiteral("; ")));
        else if (matches > 1 && keyword == u"oneOf")
            errors << where + QStringLiteral(": matches %1 branches of oneOf").arg(matches);
    }
}

QString OpenApiValidator::matchPath(const QString &path) const
{
    const QStringList segments = path.split(QLatin1Char('/'));
    QString best;
    int bestLiterals = -1;
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        const QStringList pattern = it.key().split(QLatin1Char('/'));
        if (pattern.size() != segments.size())
            continue;
        int literals = 0;
        bool matches = true;
        for (qsizetype i = 0; i < pattern.size() && matches; ++i) {
            if (pattern[i].startsWith(QLatin1Char('{')) && pattern[i].endsWith(QLatin1Char('}')))
                matches = !segments[i].isEmpty();
            else if (pattern[i] == segments[i])
                ++literals;
            else
                matches = false;
        }
        if (matches && literals > bestLiterals) {
            best = it.key();
            bestLiterals = literals;
        }
    }
    return best;
}

namespace {
QList<QByteArray> &testRoutes()
{
    static QList<QByteArray> prefixes;
    return prefixes;
}
} // namespace

void setUndocumentedTestRoutes(const QList<QByteArray> &prefixes)
{
    testRoutes() = prefixes;
}

bool isApiPath(const QByteArray &target)
{
    const QByteArray path =
        target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
    if (path.startsWith("/api/docs/"))
        return false; // the documents themselves and their page
    for (const QByteArray &prefix : std::as_const(testRoutes())) {
        if (path.startsWith(prefix))
            return false;
    }
    return path.startsWith("/api/") || path.startsWith("/apps/") || path.startsWith("/uploads/") ||
           path == "/healthz";
}

QString OpenApiValidator::checkResponse(const QByteArray &method, const QByteArray &target,
                                        int status, const QByteArray &contentType,
                                        const QByteArray &body) const
{
    // A CORS preflight is HTTP machinery, not an operation.
    if (!isApiPath(target) || method == "OPTIONS")
        return {};
    const QString path = QString::fromUtf8(
        target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?')));
    const QString request = QString::fromLatin1(method) + QLatin1Char(' ') + path;
    const QString statusText = QString::number(status);
    const QString pathTemplate = matchPath(path);
    if (pathTemplate.isEmpty()) {
        if (status == 404 || status == 405)
            return {};
        return request +
               QStringLiteral(": answered %1, but the path is not documented").arg(statusText);
    }
    const QJsonObject pathItem =
        m_document.value(QStringLiteral("paths")).toObject().value(pathTemplate).toObject();
    const bool head = method == "HEAD";
    QString operationName = head ? QStringLiteral("get") : QString::fromLatin1(method).toLower();
    if (!pathItem.contains(operationName)) {
        if (status == 405 || status == 404)
            return {};
        // Refusals of the request itself (framing, size, time, load) come before routing, so
        // they answer any method: they are checked as the path's documented operation answers.
        static const QList<int> beforeRouting = {400, 408, 413, 431, 503};
        for (auto it = pathItem.begin(); it != pathItem.end() && beforeRouting.contains(status);
             ++it) {
            if (it.value()
                    .toObject()
                    .value(QStringLiteral("responses"))
                    .toObject()
                    .contains(QString::number(status))) {
                operationName = it.key();
                break;
            }
        }
    }
    if (!pathItem.contains(operationName)) {
        return request + QStringLiteral(": answered %1, but %2 is not documented on %3")
                             .arg(statusText, QString::fromLatin1(method), pathTemplate);
    }
    const QJsonObject responses =
        pathItem.value(operationName).toObject().value(QStringLiteral("responses")).toObject();
    QJsonValue response = responses.value(statusText);
    if (response.isUndefined())
        response = responses.value(statusText.left(1) + QStringLiteral("XX"));
    if (response.isUndefined())
        response = responses.value(QStringLiteral("default"));
    if (response.isUndefined())
        return request +
               QStringLiteral(": answered %1, which %2 %3 does not declare (declared: %4)")
                   .arg(statusText, QString::fromLatin1(method), pathTemplate,
                        responses.keys().join(QStringLiteral(", ")));
    const QJsonObject content =
        resolve(response.toObject()).value(QStringLiteral("content")).toObject();
    if (head)
        return {};
    const QByteArray mediaType = contentType.split(';').value(0).trimmed().toLower();
    if (content.isEmpty()) {
        if (!body.isEmpty())
            return request + QStringLiteral(": %1 answered a body the document does not describe")
                                 .arg(statusText);
        return {};
    }
    QJsonValue media = content.value(QString::fromLatin1(mediaType));
    if (media.isUndefined())
        media = content.value(QString::fromLatin1(mediaType.split('/').value(0)) +
                              QStringLiteral("/*"));
    if (media.isUndefined())
        media = content.value(QStringLiteral("*/*"));
    if (media.isUndefined())
        return request + QStringLiteral(": %1 answered `%2`, not one of the documented %3")
                             .arg(statusText, QString::fromLatin1(mediaType),
                                  content.keys().join(QStringLiteral(", ")));
    if (!isJson(mediaType))
        return {};
    QJsonParseError parseError;
    const QJsonDocument parsed = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return request + QStringLiteral(": %1 answered JSON that does not parse: %2")
                             .arg(statusText, parseError.errorString());
    const QJsonValue value =
        parsed.isArray() ? QJsonValue(parsed.array()) : QJsonValue(parsed.object());
    const QStringList errors =
        validate(value, media.toObject().value(QStringLiteral("schema")).toObject());
    if (errors.isEmpty())
        return {};
    return request + QStringLiteral(": %1 does not match the document:\n    ").arg(statusText) +
           errors.join(QStringLiteral("\n    ")) + QStringLiteral("\n    body: ") +
           QString::fromUtf8(body.left(600));
}

void checkAgainstDocument(const QByteArray &rawRequest, int status, const QByteArray &contentType,
                          const QByteArray &body)
{
    const QByteArray firstLine = rawRequest.left(rawRequest.indexOf("\r\n"));
    const QList<QByteArray> parts = firstLine.split(' ');
    if (parts.size() != 3 || !parts[2].startsWith("HTTP/1.") || !parts[1].startsWith('/') ||
        status == 0)
        return;
    const QString mismatch =
        OpenApiValidator::project().checkResponse(parts[0], parts[1], status, contentType, body);
    if (!mismatch.isEmpty())
        QTest::qFail(qPrintable(QStringLiteral("OpenAPI contract: ") + mismatch), __FILE__,
                     __LINE__);
}

} // namespace lobby::test
