#pragma once

// Internal to the console controller's source files (consolecontroller*.cpp).

#include "consolecontroller.h"
#include "core.h"

namespace lobby::app {

template <typename Work> void ConsoleController::inCore(Work work)
{
    std::shared_ptr<std::atomic_bool> alive = m_alive;
    m_core.post([alive, work = std::move(work)](CoreRuntime &runtime) mutable {
        if (*alive)
            work(runtime);
    });
}

} // namespace lobby::app
