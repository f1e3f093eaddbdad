#pragma once

#include <QMetaObject>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace lobby::app {

class Core;
class CoreRuntime;

// Runs work in the core thread and continues with its result in the GUI thread, for one
// GUI-thread object (the context):
//
//     m_tasks.run([siteId](CoreRuntime &rt) { return rt.chat().faqOfSite(siteId); })
//         .then([this](const QList<FaqEntry> &faq) { ... });
//
// A step without then() just runs. Once stop() has returned (the destructor calls it) no work
// starts and no continuation runs, so continuations may capture `this` freely.
class CoreTasks
{
public:
    // How work reaches the core thread (Core::post in the app, any queue in tests).
    using Post = std::function<void(std::function<void(CoreRuntime &)>)>;
    // Waits for the work that is running now (Core::runBlocking with nothing to do).
    using Drain = std::function<void()>;

    CoreTasks(Core &core, QObject *context);
    CoreTasks(Post post, Drain drain, QObject *context);
    ~CoreTasks();
    CoreTasks(const CoreTasks &) = delete;
    CoreTasks &operator=(const CoreTasks &) = delete;

    void stop();

    template <typename Work> class Step
    {
    public:
        using Value = std::invoke_result_t<Work &, CoreRuntime &>;

        Step(CoreTasks &tasks, Work work) : m_tasks(&tasks), m_work(std::move(work)) {}
        Step(Step &&other) noexcept
            : m_tasks(std::exchange(other.m_tasks, nullptr)), m_work(std::move(other.m_work))
        {}
        Step(const Step &) = delete;
        ~Step()
        {
            if (m_tasks)
                std::exchange(m_tasks, nullptr)->post(std::move(m_work));
        }

        // `done(value)` (or `done()` for work that returns nothing) in the context's thread.
        template <typename Done> void then(Done done) &&
        {
            CoreTasks *tasks = std::exchange(m_tasks, nullptr);
            std::shared_ptr<std::atomic_bool> alive = tasks->m_alive;
            QObject *context = tasks->m_context;
            tasks->post([alive, context, work = std::move(m_work),
                         done = std::move(done)](CoreRuntime &runtime) mutable {
                if constexpr (std::is_void_v<Value>) {
                    work(runtime);
                    QMetaObject::invokeMethod(context, [alive, done = std::move(done)]() mutable {
                        if (*alive)
                            done();
                    });
                } else {
                    Value value = work(runtime);
                    QMetaObject::invokeMethod(context, [alive, done = std::move(done),
                                                        value = std::move(value)]() mutable {
                        if (*alive)
                            done(std::move(value));
                    });
                }
            });
        }

    private:
        CoreTasks *m_tasks;
        Work m_work;
    };

    template <typename Work> Step<Work> run(Work work)
    {
        return Step<Work>(*this, std::move(work));
    }

private:
    template <typename Work> void post(Work work)
    {
        std::shared_ptr<std::atomic_bool> alive = m_alive;
        m_post([alive, work = std::move(work)](CoreRuntime &runtime) mutable {
            if (*alive)
                work(runtime);
        });
    }

    Post m_post;
    Drain m_drain;
    QObject *m_context;
    std::shared_ptr<std::atomic_bool> m_alive = std::make_shared<std::atomic_bool>(true);
};

} // namespace lobby::app
