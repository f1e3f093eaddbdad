#include "openapivalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using lobby::test::OpenApiValidator;

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test document: %s", qPrintable(error.errorString()));
    return document.object();
}

// A small document with the shapes the project's uses: a nullable field, a required list, an
// allOf, a oneOf and one operation with two statuses.
const char *const miniDocument = R"({
 "openapi": "3.0.3",
 "paths": {
  "/api/things/{id}/": {"get": {"responses": {
   "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
   "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
   "413": {"description": "big", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}}
  }}},
  "/api/things/special/": {"get": {"responses": {"204": {"description": "empty"}}}}
 },
 "components": {"schemas": {
  "Detail": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
  "Thing": {"type": "object", "required": ["id", "note", "kind"], "properties": {
   "id": {"type": "integer", "minimum": 1},
   "note": {"type": "string", "nullable": true},
   "kind": {"type": "string", "enum": ["a", "b"]},
   "at": {"type": "string", "format": "date-time"},
   "owner": {"allOf": [{"$ref": "#/components/schemas/Detail"}], "nullable": true},
   "tags": {"type": "array", "items": {"type": "string"}},
   "extra": {"type": "object", "additionalProperties": true}
  }},
  "Either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
  "Both": {"allOf": [{"$ref": "#/components/schemas/Detail"},
                     {"type": "object", "properties": {"code": {"type": "integer"}}}]}
 }}
})";

} // namespace

// The contract check itself: that it catches each kind of mismatch the document can state,
// and that the project's document is well formed enough for it (and for generated clients).
class TestOpenApiValidator : public QObject
{
    Q_OBJECT

    OpenApiValidator m_mini{parse(miniDocument)};

    QStringList thing(const char *json) const
    {
        return m_mini.validate(QJsonValue(parse(json)),
                               QStringLiteral("#/components/schemas/Thing"));
    }

private Q_SLOTS:
    void aMatchingValuePasses()
    {
        QCOMPARE(thing(R"({"id": 3, "note": null, "kind": "a", "at": "2026-01-09T10:30:00.000Z",
                           "tags": ["x"], "extra": {"anything": [1]}})"),
                 QStringList());
    }

    void nullWhereNeverNullIsCaught()
    {
        const QStringList errors = thing(R"({"id": 3, "note": "n", "kind": null})");
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0].startsWith(u"$.kind: null where the document says never null"),
                 qPrintable(errors[0]));
    }

    void nullableWithoutTypeIsCaught()
    {
        // OpenAPI 3.0 ignores `nullable` beside an allOf without `type`: null is then invalid.
        const QStringList errors = thing(R"({"id": 3, "note": "n", "kind": "b", "owner": null})");
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0].contains(u"$.owner") && errors[0].contains(u"has no `type`"),
                 qPrintable(errors[0]));
    }

    void missingRequiredIsCaught()
    {
        const QStringList errors = thing(R"({"id": 3, "kind": "a"})");
        QCOMPARE(errors, QStringList{QStringLiteral("$: required `note` is missing")});
    }

    void wrongTypesAreCaught()
    {
        QCOMPARE(thing(R"({"id": "3", "note": null, "kind": "a"})"),
                 QStringList{QStringLiteral("$.id: \"3\" where the document says integer")});
        QCOMPARE(thing(R"({"id": 1.5, "note": null, "kind": "a"})").size(), 1);
        QCOMPARE(thing(R"({"id": 0, "note": null, "kind": "a"})"),
                 QStringList{QStringLiteral("$.id: 0 is below the minimum")});
        QCOMPARE(thing(R"({"id": 1, "note": null, "kind": "c"})").size(), 1);
        QCOMPARE(thing(R"({"id": 1, "note": null, "kind": "a", "at": "yesterday"})").size(), 1);
        QCOMPARE(thing(R"({"id": 1, "note": null, "kind": "a", "tags": [1]})"),
                 QStringList{QStringLiteral("$.tags[0]: 1 where the document says string")});
    }

    void undocumentedFieldsAreCaught()
    {
        QCOMPARE(thing(R"({"id": 1, "note": null, "kind": "a", "surprise": true})"),
                 QStringList{QStringLiteral("$.surprise: served but not documented")});
    }

    void compositionsAreFollowed()
    {
        const QString either = QStringLiteral("#/components/schemas/Either");
        QCOMPARE(m_mini.validate(QJsonValue(7), either), QStringList());
        QCOMPARE(m_mini.validate(QJsonValue(true), either).size(), 1);
        // allOf: each branch's properties count as listed for the others.
        const QString both = QStringLiteral("#/components/schemas/Both");
        QCOMPARE(m_mini.validate(QJsonValue(parse(R"({"detail": "x", "code": 4})")), both),
                 QStringList());
        QCOMPARE(m_mini.validate(QJsonValue(parse(R"({"code": 4})")), both).size(), 1);
    }

    void answersAreMatchedToTheirOperation()
    {
        const QByteArray json = "application/json";
        QCOMPARE(m_mini.checkResponse("GET", "/api/things/4/?x=1", 200, json,
                                      R"({"id": 4, "note": null, "kind": "a"})"),
                 QString());
        QCOMPARE(m_mini.matchPath(QStringLiteral("/api/things/special/")),
                 QStringLiteral("/api/things/special/")); // the literal path wins
        QCOMPARE(m_mini.checkResponse("GET", "/api/things/special/", 204, {}, {}), QString());
        // An undocumented status, content type, body, method or path.
        QVERIFY(m_mini.checkResponse("GET", "/api/things/4/", 500, json, "{}")
                    .contains(u"answered 500, which GET /api/things/{id}/ does not declare"));
        QVERIFY(m_mini.checkResponse("GET", "/api/things/4/", 404, "text/html", "<p>")
                    .contains(u"not one of the documented application/json"));
        QVERIFY(m_mini.checkResponse("GET", "/api/things/special/", 204, json, "{}")
                    .contains(u"a body the document does not describe"));
        QVERIFY(m_mini.checkResponse("DELETE", "/api/things/4/", 200, json, "{}")
                    .contains(u"DELETE is not documented"));
        QVERIFY(m_mini.checkResponse("GET", "/api/other/", 200, json, "{}")
                    .contains(u"the path is not documented"));
        QVERIFY(m_mini.checkResponse("GET", "/api/things/4/", 404, json, "{\"detail\": 1}")
                    .contains(u"$.detail: 1 where the document says string"));
        QVERIFY(m_mini.checkResponse("GET", "/api/things/4/", 404, json, "{nope")
                    .contains(u"does not parse"));
        // What is not an operation: an unknown path's 404, a method's 405, pages, preflights.
        QCOMPARE(m_mini.checkResponse("GET", "/api/other/", 404, json, "{}"), QString());
        QCOMPARE(m_mini.checkResponse("DELETE", "/api/things/4/", 405, json, "{}"), QString());
        // A refusal before routing answers any method, in the shape of the path's operations.
        QCOMPARE(m_mini.checkResponse("DELETE", "/api/things/4/", 413, json, R"({"detail": "x"})"),
                 QString());
        QVERIFY(m_mini.checkResponse("DELETE", "/api/things/4/", 413, json, R"({"message": "x"})")
                    .contains(u"required `detail` is missing"));
        QCOMPARE(m_mini.checkResponse("GET", "/static/x.css", 200, "text/css", "a{}"), QString());
        QCOMPARE(m_mini.checkResponse("OPTIONS", "/api/things/4/", 204, {}, {}), QString());
    }

    // The project's document: every operation has a unique operationId, every object schema a
    // `required` list (OpenAPI 3.0 allows no empty one: all-optional objects say
    // `x-all-optional`), no `nullable` without a `type`, and every $ref resolves.
    void theProjectDocumentIsFitForGeneratedClients()
    {
        const QJsonObject document = OpenApiValidator::project().document();
        QCOMPARE(document.value("openapi").toString(), QStringLiteral("3.0.3"));
        QVERIFY(!document.value("servers").toArray().isEmpty());
        QSet<QString> operationIds;
        const QJsonObject paths = document.value("paths").toObject();
        for (auto path = paths.begin(); path != paths.end(); ++path) {
            const QJsonObject item = path.value().toObject();
            for (auto op = item.begin(); op != item.end(); ++op) {
                const QJsonObject operation = op.value().toObject();
                const QString id = operation.value("operationId").toString();
                QVERIFY2(!id.isEmpty(), qPrintable(op.key() + u' ' + path.key()));
                QVERIFY2(!operationIds.contains(id), qPrintable(id));
                operationIds.insert(id);
                const QJsonObject responses = operation.value("responses").toObject();
                for (const char *status : {"400", "405", "413", "431"})
                    QVERIFY2(responses.contains(QLatin1String(status)),
                             qPrintable(id + u' ' + QLatin1String(status)));
            }
        }
        QStringList problems;
        std::function<void(const QJsonValue &, const QString &)> walk = [&](const QJsonValue &node,
                                                                            const QString &where) {
            if (node.isArray()) {
                const QJsonArray array = node.toArray();
                for (qsizetype i = 0; i < array.size(); ++i)
                    walk(array[i], where + QStringLiteral("[%1]").arg(i));
                return;
            }
            if (!node.isObject())
                return;
            const QJsonObject object = node.toObject();
            if (object.value("nullable").toBool() && !object.contains("type"))
                problems << where + QStringLiteral(": nullable without type");
            if (object.value("type") == QJsonValue("object") && object.contains("properties") &&
                !object.contains("required") && !object.value("x-all-optional").toBool() &&
                !where.contains(u"requestBody") && !where.contains(u"parameters"))
                problems << where + QStringLiteral(": object without `required`");
            if (object.contains("$ref")) {
                const QString ref = object.value("$ref").toString();
                QJsonValue target = document;
                for (const QString &part : ref.mid(2).split(u'/'))
                    target = target.toObject().value(part);
                if (!ref.startsWith(u"#/") || !target.isObject())
                    problems << where + QStringLiteral(": unresolved ") + ref;
            }
            for (auto it = object.begin(); it != object.end(); ++it)
                walk(it.value(), where + u'/' + it.key());
        };
        walk(document, QStringLiteral("#"));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestOpenApiValidator)
#include "tst_openapivalidator.moc"
