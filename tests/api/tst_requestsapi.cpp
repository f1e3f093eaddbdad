#include <QTest>
class TestRequestsApi : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(TestRequestsApi)
#include "tst_requestsapi.moc"
