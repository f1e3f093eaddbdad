// api::widget::FaqAssistant: any visitor message, and any FAQ text, gives a reply without crashing.
// Input: "<faq question>\n<faq answer>\n<message>" (missing parts are empty).
#include "api/widget/assistant.h"

#include <cmath>
#include <cstdlib>

using namespace lobby::api::widget;
using lobby::chat::FaqEntry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QStringList parts = input.split(u'\n');
    QList<FaqEntry> entries;
    FaqEntry fixed;
    fixed.id = 1;
    fixed.question = QStringLiteral("What time is breakfast served?");
    fixed.answer = QStringLiteral("Breakfast is served from 7 to 10 in the restaurant.");
    entries.append(fixed);
    FaqEntry fuzzed;
    fuzzed.id = 2;
    fuzzed.question = parts.value(0);
    fuzzed.answer = parts.value(1);
    entries.append(fuzzed);
    const QString message = parts.size() > 2 ? parts.mid(2).join(u'\n') : parts.value(0);

    const FaqAssistant assistant(entries);
    const AssistantReply reply = assistant.reply(message);
    if (std::isnan(reply.score) || std::isnan(reply.coverage))
        abort();
    if (reply.kind == AssistantReply::Kind::Answer && reply.faqId != 1 && reply.faqId != 2)
        abort();
    (void)FaqAssistant::terms(message);
    const QStringList chunks = FaqAssistant::chunks(message, 1 + int(size % 5));
    if (!message.endsWith(chunks.join(QString())))
        abort(); // the streamed pieces add up to the text (leading spaces dropped)
    const FaqAssistant empty({});
    (void)empty.reply(message);
    return 0;
}
