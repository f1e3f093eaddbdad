#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <string>

namespace lobby::http {

// Writes compact JSON straight into bytes, for the few large answers where building a
// QJsonObject per item and serializing it costs more than the work behind it (history pages).
// The output is what QJsonDocument::toJson(Compact) writes for the same values, provided the
// caller writes each object's keys in the order QJsonObject keeps them (sorted): tests compare
// the two byte for byte. Commas are placed by the writer; keys are ASCII literals.
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 4096) { m_out.reserve(size_t(reserve)); }

    JsonWriter &beginObject()
    {
        separate();
        m_out += '{';
        m_first = true;
        return *this;
    }
    JsonWriter &endObject()
    {
        m_out += '}';
        m_first = false;
        return *this;
    }
    JsonWriter &beginArray()
    {
        separate();
        m_out += '[';
        m_first = true;
        return *this;
    }
    JsonWriter &endArray()
    {
        m_out += ']';
        m_first = false;
        return *this;
    }
    template <qsizetype N> JsonWriter &key(const char (&name)[N])
    {
        separate();
        m_out += '"';
        m_out.append(name, N - 1);
        m_out.append("\":", 2);
        m_first = true; // the value follows without a comma
        return *this;
    }

    JsonWriter &value(qint64 number)
    {
        separate();
        m_out += std::to_string(number);
        return *this;
    }
    JsonWriter &value(int number) { return value(qint64(number)); }
    JsonWriter &value(bool flag)
    {
        separate();
        if (flag)
            m_out.append("true", 4);
        else
            m_out.append("false", 5);
        return *this;
    }
    JsonWriter &null()
    {
        separate();
        m_out.append("null", 4);
        return *this;
    }
    JsonWriter &value(const QString &text)
    {
        separate();
        appendString(text);
        return *this;
    }
    // Latin-1 text that needs no escaping (enum names and the like).
    JsonWriter &value(const char *text)
    {
        separate();
        m_out += '"';
        m_out += text;
        m_out += '"';
        return *this;
    }
    // ISO 8601 UTC with milliseconds and "Z" (Qt::ISODateWithMs), or null when invalid.
    JsonWriter &isoTime(const QDateTime &time)
    {
        if (!time.isValid())
            return null();
        separate();
        m_out += '"';
        appendIsoTime(time);
        m_out += '"';
        return *this;
    }
    // Bytes that already are one JSON value.
    JsonWriter &raw(const QByteArray &json)
    {
        separate();
        m_out.append(json.constData(), size_t(json.size()));
        return *this;
    }

    QByteArray take() const { return QByteArray(m_out.data(), qsizetype(m_out.size())); }

private:
    void separate()
    {
        if (!m_first)
            m_out += ',';
        m_first = false;
    }

    // Escapes as Qt's JSON writer does: \" \\ \b \f \n \r \t, other control characters as
    // \u00xx, everything else as UTF-8; a lone surrogate as \uxxxx.
    void appendString(const QString &text)
    {
        static const char hex[] = "0123456789abcdef";
        const size_t start = m_out.size();
        m_out.resize(start + 6 * size_t(text.size()) + 2); // the longest: \uxxxx per code unit
        char *cursor = m_out.data() + start;
        *cursor++ = '"';
        const char16_t *src = reinterpret_cast<const char16_t *>(text.constData());
        const char16_t *const end = src + text.size();
        while (src != end) {
            const char16_t u = *src++;
            if (u < 0x80) {
                if (u >= 0x20 && u != '"' && u != '\\') {
                    *cursor++ = char(u);
                    continue;
                }
                *cursor++ = '\\';
                switch (u) {
                case '"':
                    *cursor++ = '"';
                    break;
                case '\\':
                    *cursor++ = '\\';
                    break;
                case 0x8:
                    *cursor++ = 'b';
                    break;
                case 0xc:
                    *cursor++ = 'f';
                    break;
                case 0xa:
                    *cursor++ = 'n';
                    break;
                case 0xd:
                    *cursor++ = 'r';
                    break;
                case 0x9:
                    *cursor++ = 't';
                    break;
                default:
                    *cursor++ = 'u';
                    *cursor++ = '0';
                    *cursor++ = '0';
                    *cursor++ = hex[u >> 4];
                    *cursor++ = hex[u & 0xf];
                }
            } else if (u < 0x800) {
                *cursor++ = char(0xc0 | (u >> 6));
                *cursor++ = char(0x80 | (u & 0x3f));
            } else if (QChar::isHighSurrogate(u) && src != end && QChar::isLowSurrogate(*src)) {
                const char32_t c = QChar::surrogateToUcs4(u, *src++);
                *cursor++ = char(0xf0 | (c >> 18));
                *cursor++ = char(0x80 | ((c >> 12) & 0x3f));
                *cursor++ = char(0x80 | ((c >> 6) & 0x3f));
                *cursor++ = char(0x80 | (c & 0x3f));
            } else if (QChar::isSurrogate(u)) {
                *cursor++ = '\\';
                *cursor++ = 'u';
                *cursor++ = hex[u >> 12];
                *cursor++ = hex[(u >> 8) & 0xf];
                *cursor++ = hex[(u >> 4) & 0xf];
                *cursor++ = hex[u & 0xf];
            } else {
                *cursor++ = char(0xe0 | (u >> 12));
                *cursor++ = char(0x80 | ((u >> 6) & 0x3f));
                *cursor++ = char(0x80 | (u & 0x3f));
            }
        }
        *cursor++ = '"';
        m_out.resize(size_t(cursor - m_out.data()));
    }

    void appendIsoTime(const QDateTime &time)
    {
        const qint64 ms = time.toMSecsSinceEpoch();
        // Days to civil date (Howard Hinnant's algorithm), for years 0001-9999; Qt otherwise.
        const qint64 msPerDay = 86400000;
        qint64 days = ms / msPerDay;
        qint64 rest = ms % msPerDay;
        if (rest < 0) {
            rest += msPerDay;
            --days;
        }
        const qint64 z = days + 719468;
        const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
        const qint64 doe = z - era * 146097;
        const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const qint64 mp = (5 * doy + 2) / 153;
        const qint64 day = doy - (153 * mp + 2) / 5 + 1;
        const qint64 month = mp < 10 ? mp + 3 : mp - 9;
        const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 1 || year > 9999) {
            m_out += time.toUTC().toString(Qt::ISODateWithMs).toStdString();
            return;
        }
        char buffer[24];
        auto put = [&buffer](int at, qint64 value, int width) {
            for (int i = width - 1; i >= 0; --i, value /= 10)
                buffer[at + i] = char('0' + value % 10);
        };
        put(0, year, 4);
        buffer[4] = '-';
        put(5, month, 2);
        buffer[7] = '-';
        put(8, day, 2);
        buffer[10] = 'T';
        put(11, rest / 3600000, 2);
        buffer[13] = ':';
        put(14, rest / 60000 % 60, 2);
        buffer[16] = ':';
        put(17, rest / 1000 % 60, 2);
        buffer[19] = '.';
        put(20, rest % 1000, 3);
        buffer[23] = 'Z';
        m_out.append(buffer, 24);
    }

    std::string m_out;
    bool m_first = true;
};

} // namespace lobby::http
