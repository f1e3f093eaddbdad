#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QString>
#include <QStringList>

namespace lobby::test {

// Checks values and HTTP answers against an OpenAPI 3.0 document (or, for AsyncAPI frames, any
// document whose schemas use the same subset): type, nullable, required, properties,
// additionalProperties, items, enum, oneOf/anyOf/allOf, $ref, const, minimum/maximum,
// minLength/maxLength, minItems/maxItems and the date-time format.
//
// Stricter than OpenAPI on one point, so served-but-undocumented fields cannot creep back: an
// object's properties not listed in `properties` are refused unless `additionalProperties`
// says otherwise (true or a schema). Properties listed by an allOf sibling count as listed.
class OpenApiValidator
{
public:
    explicit OpenApiValidator(QJsonObject document);

    // The project's own document, compiled into the binary (:/openapi/openapi.json).
    static const OpenApiValidator &project();

    // Empty when `value` matches `schema` (a schema object or {"$ref": ...}); otherwise one line
    // per mismatch, each naming where in the value it is ("$.detail[0].loc: ...").
    QStringList validate(const QJsonValue &value, const QJsonObject &schema) const;
    QStringList validate(const QJsonValue &value, const QString &ref) const
    {
        return validate(value, QJsonObject{{QStringLiteral("$ref"), ref}});
    }

    // Empty when the answer is one the document describes for this request: the path matches a
    // documented template, the method is documented on it (or the answer is 405), the status is
    // declared, the content type is declared and a JSON body matches its schema. Paths outside
    // the API (pages, static files, socket upgrades, the docs themselves) are not checked, and
    // an undocumented path may only answer 404 or 405.
    QString checkResponse(const QByteArray &method, const QByteArray &target, int status,
                          const QByteArray &contentType, const QByteArray &body) const;

    // The documented path template `path` (no query) matches, or empty.
    QString matchPath(const QString &path) const;

    const QJsonObject &document() const { return m_document; }

private:
    QJsonObject resolve(const QJsonObject &schema) const;
    void check(const QJsonValue &value, const QJsonObject &schema, const QString &where,
               const QSet<QString> &siblingProperties, QStringList &errors) const;
    QSet<QString> listedProperties(const QJsonObject &schema) const;

    QJsonObject m_document;
};

// Whether `target` (path with optional query) is one the contract check covers.
bool isApiPath(const QByteArray &target);

// For suites that mount routes of their own to test the HTTP machinery: answers under these
// path prefixes are not checked against the document.
void setUndocumentedTestRoutes(const QList<QByteArray> &prefixes);

// Checks one exchange against the project's document and records a test failure (QTest) with a
// readable message on a mismatch. Requests whose first line does not parse are not checked.
void checkAgainstDocument(const QByteArray &rawRequest, int status, const QByteArray &contentType,
                          const QByteArray &body);

} // namespace lobby::test
