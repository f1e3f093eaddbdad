#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace lobby::app {

// When the console tells others that staff are typing: the first keystroke announces it, later
// ones at most every `repeatMs` (the announcement expires elsewhere), and `quietMs` without a
// keystroke withdraws it. Sending or leaving the conversation ends it without a withdrawal
// (a posted message ends typing by itself).
class TypingThrottle : public QObject
{
    Q_OBJECT

public:
    explicit TypingThrottle(int repeatMs = 3000, int quietMs = 4000, QObject *parent = nullptr);

    void keystroke();
    void reset();
    bool announced() const { return m_sent.isValid(); }

Q_SIGNALS:
    void typingChanged(bool typing);

private:
    int m_repeatMs;
    QElapsedTimer m_sent; // invalid while nothing is announced
    QTimer m_quiet;
};

} // namespace lobby::app
