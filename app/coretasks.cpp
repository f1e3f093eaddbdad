#include "coretasks.h"

#include "core.h"

namespace lobby::app {

CoreTasks::CoreTasks(Core &core, QObject *context)
    : CoreTasks([&core](std::function<void(CoreRuntime &)> work) { core.post(std::move(work)); },
                [&core] { core.runBlocking([](CoreRuntime &) {}); }, context)
{}

CoreTasks::CoreTasks(Post post, Drain drain, QObject *context)
    : m_post(std::move(post)), m_drain(std::move(drain)), m_context(context)
{}

CoreTasks::~CoreTasks()
{
    stop();
}

void CoreTasks::stop()
{
    if (!*m_alive)
        return;
    // Later work sees the flag; the work running now has finished when the drain returns.
    *m_alive = false;
    m_drain();
}

} // namespace lobby::app
