#include "typingthrottle.h"

namespace lobby::app {

TypingThrottle::TypingThrottle(int repeatMs, int quietMs, QObject *parent)
    : QObject(parent), m_repeatMs(repeatMs)
{
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(quietMs);
    connect(&m_quiet, &QTimer::timeout, this, [this] {
        m_sent.invalidate();
        Q_EMIT typingChanged(false);
    });
}

void TypingThrottle::keystroke()
{
    if (!m_sent.isValid() || m_sent.elapsed() >= m_repeatMs) {
        m_sent.start();
        Q_EMIT typingChanged(true);
    }
    m_quiet.start();
}

void TypingThrottle::reset()
{
    m_quiet.stop();
    m_sent.invalidate();
}

} // namespace lobby::app
