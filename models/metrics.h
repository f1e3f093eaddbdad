#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

// Process-wide counters and histograms for GET /metrics (Prometheus text format). Written from
// the core thread and the GUI thread, hence atomics and a mutex; nothing here holds a message's
// content, only counts.
namespace lobby::metrics {

// HTTP requests answered, by API family ("widget", "v1", "guest", "direct", "plain") and status.
void countRequest(const char *family, int status);
// One group commit: how long the transaction took and how many messages it stored.
void observeCommit(double seconds, int messages);
// Messages stored, by the family of their conversation (its kind: widget, guest, direct, ...).
void countStored(const QString &family, int messages);
void countLockout();
// The console's GUI thread: the longest gap between two timer ticks so far.
void noteGuiStall(qint64 milliseconds);

// Gauges read at scrape time (open connections per family, queue bytes of slow clients), each
// line already in the text format; the server registers one source.
using GaugeSource = std::function<QByteArray()>;
void setGaugeSource(GaugeSource source);

// The whole exposition.
QByteArray render();

} // namespace lobby::metrics
