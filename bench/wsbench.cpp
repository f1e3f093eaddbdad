// wsbench: a small epoll WebSocket client for Lobby's benchmarks, so that the load generator is
// never the bottleneck on a 2-core machine. Plain POSIX, no Qt.
//
//   wsbench connect --url ws://HOST:PORT/PATH?QUERY --count N [--burst 100] [--pid SERVER_PID]
//   wsbench fanout  --url ... --count N --messages M --send TEXT --marker TEXT
//                   [--join TEXT] [--sender-url URL] [--interval-ms 20] [--pid SERVER_PID]
//   wsbench chat    --url SENDER_URL [--url ...] [--receiver-url URL ...] --join TEXT
//                   --send TEXT --marker TEXT [--senders 50] [--receivers 10] [--duration 15]
//                   [--warmup 1] [--messages N] [--rate MSG_PER_S] [--pid SERVER_PID]
//
// connect: opens N connections in bursts, waits for every handshake, reports the time taken,
// the server's RSS growth per connection and the kernel's listen overflows.
// fanout: N receivers (each sends --join after its handshake), one sender sends M frames; for
// each frame the time until all N receivers have a frame containing --marker#i is measured
// (p50/p99), and the server's CPU time per delivery (from /proc/PID/stat).
// chat: the full chat path, see runChat().
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Url
{
    std::string host = "127.0.0.1";
    int port = 80;
    std::string target = "/";
};

Url parseUrl(const std::string &text)
{
    Url url;
    std::string rest = text.substr(text.find("://") + 3);
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    url.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    url.host = authority.substr(0, colon);
    url.port = colon == std::string::npos ? 80 : std::atoi(authority.c_str() + colon + 1);
    return url;
}

struct Connection
{
    int fd = -1;
    bool open = false; // handshake done
    bool failed = false;
    std::string in;
    std::string out;
    std::string joinFrame;
    Clock::time_point started;
};

std::string frame(const std::string &payload, uint8_t opcode = 0x1)
{
    std::string f;
    f.push_back(char(0x80 | opcode));
    const size_t n = payload.size();
    if (n < 126) {
        f.push_back(char(0x80 | n));
    } else if (n < 65536) {
        f.push_back(char(0x80 | 126));
        f.push_back(char(n >> 8));
        f.push_back(char(n & 0xff));
    } else {
        f.push_back(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            f.push_back(char((uint64_t(n) >> (8 * i)) & 0xff));
    }
    f.append(4, '\0'); // a zero mask key is valid and leaves the payload as it is
    f += payload;
    return f;
}

// Extracts complete text frames from `in`; answers pings into `out`.
std::vector<std::string> takeFrames(std::string &in, std::string &out)
{
    std::vector<std::string> frames;
    size_t pos = 0;
    while (in.size() - pos >= 2) {
        const uint8_t b0 = uint8_t(in[pos]);
        const uint8_t b1 = uint8_t(in[pos + 1]);
        uint64_t len = b1 & 0x7f;
        size_t header = 2;
        if (len == 126) {
            if (in.size() - pos < 4)
                break;
            len = (uint8_t(in[pos + 2]) << 8) | uint8_t(in[pos + 3]);
            header = 4;
        } else if (len == 127) {
            if (in.size() - pos < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | uint8_t(in[pos + 2 + i]);
            header = 10;
        }
        if (in.size() - pos < header + len)
            break;
        const std::string payload = in.substr(pos + header, len);
        const int opcode = b0 & 0x0f;
        if (opcode == 0x9)
            out += frame(payload, 0xA);
        else if (opcode == 0x1 || opcode == 0x2)
            frames.push_back(payload);
        pos += header + len;
    }
    in.erase(0, pos);
    return frames;
}

long long readProcValue(const std::string &path, const std::string &key)
{
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line)) {
        if (line.rfind(key, 0) == 0)
            return std::atoll(line.c_str() + key.size());
    }
    return -1;
}

long long rssKb(int pid)
{
    return pid ? readProcValue("/proc/" + std::to_string(pid) + "/status", "VmRSS:") : -1;
}

double cpuSeconds(int pid)
{
    if (!pid)
        return 0;
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(file)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14)
            utime = std::atoll(field.c_str());
        if (i == 15) {
            stime = std::atoll(field.c_str());
            break;
        }
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

long long listenOverflows()
{
    std::ifstream file("/proc/net/netstat");
    std::string names, values;
    while (std::getline(file, names) && std::getline(file, values)) {
        if (names.rfind("TcpExt:", 0) != 0)
            continue;
        std::istringstream n(names), v(values);
        std::string name, value;
        while (n >> name && v >> value) {
            if (name == "ListenOverflows")
                return std::atoll(value.c_str());
        }
    }
    return -1;
}

struct Options
{
    std::string mode;
    Url url;
    Url senderUrl;
    bool separateSender = false;
    int count = 100;
    int burst = 100;
    int messages = 100;
    int intervalMs = 20;
    int pid = 0;
    std::string join, send, marker;
    // chat
    std::vector<Url> urls;         // senders, round robin (every --url)
    std::vector<Url> receiverUrls; // receivers, round robin (every --receiver-url)
    int senders = 50;
    int receivers = 10;
    double duration = 15;
    double warmup = 1;
    double rate = 0; // msg/s over all senders; 0: closed loop
    bool messagesGiven = false;
};

class Client
{
public:
    explicit Client(const Options &options) : m_options(options), m_epoll(epoll_create1(0)) {}

    int open(const Url &url, const std::string &join)
    {
        addrinfo hints{}, *result = nullptr;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &result) != 0)
            return -1;
        const int fd = socket(result->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        connect(fd, result->ai_addr, result->ai_addrlen);
        freeaddrinfo(result);
        Connection &c = m_connections[fd];
        c.fd = fd;
        c.started = Clock::now();
        c.joinFrame = join;
        c.out = "GET " + url.target + " HTTP/1.1\r\nHost: " + url.host + ":" +
                std::to_string(url.port) +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        return fd;
    }

    // Runs the loop for up to `seconds`, or until `done` says so.
    template <typename Done, typename OnFrame> void run(double seconds, Done done, OnFrame onFrame)
    {
        const auto start = Clock::now();
        while (!done() && secondsSince(start) < seconds)
            poll(0.005, onFrame);
    }

    // Waits up to `seconds` (microsecond precision) for socket events and handles them.
    template <typename OnFrame> void poll(double seconds, OnFrame &onFrame)
    {
        epoll_event events[256];
        const long long ns = std::max(0LL, (long long)(seconds * 1e9));
        const timespec timeout{time_t(ns / 1000000000), long(ns % 1000000000)};
        int n = epoll_pwait2(m_epoll, events, 256, &timeout, nullptr);
        if (n < 0 && errno == ENOSYS)
            n = epoll_wait(m_epoll, events, 256, int((ns + 999999) / 1000000));
        for (int i = 0; i < n; ++i) {
            Connection &c = m_connections[events[i].data.fd];
            if (events[i].events & (EPOLLERR | EPOLLHUP))
                fail(c);
            if (events[i].events & EPOLLOUT)
                flush(c);
            if (events[i].events & EPOLLIN)
                receive(c, onFrame);
        }
    }

    void send(int fd, const std::string &text)
    {
        Connection &c = m_connections[fd];
        c.out += frame(text);
        flush(c);
    }

    int openCount() const
    {
        return int(std::count_if(m_connections.begin(), m_connections.end(),
                                 [](const auto &c) { return c.second.open; }));
    }
    int failedCount() const
    {
        return int(std::count_if(m_connections.begin(), m_connections.end(),
                                 [](const auto &c) { return c.second.failed; }));
    }
    std::vector<double> handshakeSeconds;

private:
    void fail(Connection &c)
    {
        if (c.failed)
            return;
        c.failed = true;
        c.open = false;
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
    }

    void flush(Connection &c)
    {
        while (!c.out.empty() && !c.failed) {
            const ssize_t written = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (written <= 0)
                break;
            c.out.erase(0, size_t(written));
        }
        epoll_event event{};
        event.events = EPOLLIN | (c.out.empty() ? 0u : uint32_t(EPOLLOUT));
        event.data.fd = c.fd;
        if (!c.failed)
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &event);
    }

    template <typename OnFrame> void receive(Connection &c, OnFrame &onFrame)
    {
        char buffer[65536];
        for (;;) {
            const ssize_t got = ::recv(c.fd, buffer, sizeof buffer, 0);
            if (got == 0)
                return fail(c);
            if (got < 0)
                break;
            c.in.append(buffer, size_t(got));
        }
        if (!c.open) {
            const auto end = c.in.find("\r\n\r\n");
            if (end == std::string::npos)
                return;
            if (c.in.compare(0, 12, "HTTP/1.1 101") != 0)
                return fail(c);
            c.in.erase(0, end + 4);
            c.open = true;
            handshakeSeconds.push_back(secondsSince(c.started));
            if (!c.joinFrame.empty())
                c.out += frame(c.joinFrame);
            flush(c);
        }
        for (const std::string &payload : takeFrames(c.in, c.out))
            onFrame(c.fd, payload);
        if (!c.out.empty())
            flush(c);
    }

    const Options &m_options;
    int m_epoll;
    std::map<int, Connection> m_connections;
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5))];
}

int runConnect(const Options &o)
{
    Client client(o);
    const long long rssBefore = rssKb(o.pid);
    const long long overflowsBefore = listenOverflows();
    const auto start = Clock::now();
    double worstBurst = 0;
    for (int opened = 0; opened < o.count; opened += o.burst) {
        const auto burstStart = Clock::now();
        const int target = std::min(o.count, opened + o.burst);
        for (int i = opened; i < target; ++i)
            client.open(o.url, o.join);
        client.run(
            60, [&] { return client.openCount() + client.failedCount() >= target; },
            [](int, const std::string &) {});
        worstBurst = std::max(worstBurst, secondsSince(burstStart));
    }
    const double total = secondsSince(start);
    client.run(
        1.0, [] { return false; }, [](int, const std::string &) {}); // settle
    const long long rssAfter = rssKb(o.pid);
    std::printf("connections: %d open, %d failed\n", client.openCount(), client.failedCount());
    std::printf("connect time: %.3f s total, worst burst of %d: %.3f s, handshake p50 %.2f ms "
                "p99 %.2f ms\n",
                total, o.burst, worstBurst, 1000 * percentile(client.handshakeSeconds, 0.5),
                1000 * percentile(client.handshakeSeconds, 0.99));
    if (o.pid)
        std::printf("server RSS: %lld KiB -> %lld KiB, %.2f KiB per connection\n", rssBefore,
                    rssAfter, double(rssAfter - rssBefore) / std::max(1, client.openCount()));
    std::printf("listen overflows during the run: %lld\n", listenOverflows() - overflowsBefore);
    return client.failedCount() ? 1 : 0;
}

int runFanout(const Options &o)
{
    Client client(o);
    for (int i = 0; i < o.count; ++i)
        client.open(o.url, o.join);
    client.run(
        120, [&] { return client.openCount() + client.failedCount() >= o.count; },
        [](int, const std::string &) {});
    const int sender = client.open(o.separateSender ? o.senderUrl : o.url, o.join);
    client.run(
        10, [&] { return client.openCount() + client.failedCount() >= o.count + 1; },
        [](int, const std::string &) {});
    client.run(
        1.0, [] { return false; }, [](int, const std::string &) {}); // joins settle
    std::printf("receivers: %d open, %d failed\n", client.openCount() - 1, client.failedCount());

    std::vector<Clock::time_point> sentAt(size_t(o.messages));
    std::vector<int> received(size_t(o.messages), 0);
    std::vector<double> completion(size_t(o.messages), -1);
    int complete = 0;
    auto onFrame = [&](int fd, const std::string &payload) {
        if (fd == sender)
            return;
        const auto at = payload.find(o.marker + "#");
        if (at == std::string::npos)
            return;
        const int index = std::atoi(payload.c_str() + at + o.marker.size() + 1);
        if (index < 0 || index >= o.messages)
            return;
        if (++received[size_t(index)] == o.count) {
            completion[size_t(index)] = secondsSince(sentAt[size_t(index)]);
            ++complete;
        }
    };
    const double cpuBefore = cpuSeconds(o.pid);
    const auto start = Clock::now();
    for (int i = 0; i < o.messages; ++i) {
        std::string text = o.send;
        const auto placeholder = text.find("{n}");
        if (placeholder != std::string::npos)
            text.replace(placeholder, 3, o.marker + "#" + std::to_string(i));
        sentAt[size_t(i)] = Clock::now();
        client.send(sender, text);
        client.run(
            o.intervalMs / 1000.0, [] { return false; }, onFrame);
    }
    client.run(
        30, [&] { return complete >= o.messages; }, onFrame);
    const double wall = secondsSince(start);
    const double cpu = cpuSeconds(o.pid) - cpuBefore;
    std::vector<double> done;
    for (double c : completion) {
        if (c >= 0)
            done.push_back(c * 1000);
    }
    long long deliveries = 0;
    for (int r : received)
        deliveries += r;
    std::printf("messages: %d sent, %zu reached all %d receivers, %lld deliveries in %.2f s\n",
                o.messages, done.size(), o.count, deliveries, wall);
    std::printf("time until all have it: p50 %.2f ms, p99 %.2f ms\n", percentile(done, 0.5),
                percentile(done, 0.99));
    if (o.pid)
        std::printf("server CPU: %.3f s, %.2f us per delivery\n", cpu,
                    deliveries ? cpu * 1e6 / double(deliveries) : 0.0);
    return int(done.size()) == o.messages ? 0 : 1;
}

// chat: S senders and R receivers joined to one room. Closed loop (default): every sender keeps
// exactly one message in flight: it sends, waits for the server's acknowledgement of that message
// (the room's `message` frame coming back to its own socket, found by the marker in its content),
// then sends the next. Open loop (--rate): messages leave at the given total rate, round robin
// over the senders, whatever the acknowledgements do. Reported over the measuring window (after
// --warmup): acknowledged messages per second, ack latency, the time until all R receivers have
// a message, and the server's CPU time per message.
int runChat(const Options &o)
{
    if (o.urls.empty() || o.senders < 1 || o.receivers < 0) {
        std::fprintf(stderr, "chat needs --url (senders), --senders >= 1, --receivers >= 0\n");
        return 2;
    }
    const std::vector<Url> &receiverUrls = o.receiverUrls.empty() ? o.urls : o.receiverUrls;
    Client client(o);
    std::vector<int> senderFds, roleOf; // roleOf[fd]: sender index, -1 receiver
    auto remember = [&](int fd, int role) {
        if (fd < 0)
            return;
        if (size_t(fd) >= roleOf.size())
            roleOf.resize(size_t(fd) + 1, -2);
        roleOf[size_t(fd)] = role;
    };
    for (int i = 0; i < o.receivers; ++i)
        remember(client.open(receiverUrls[size_t(i) % receiverUrls.size()], o.join), -1);
    for (int i = 0; i < o.senders; ++i) {
        senderFds.push_back(client.open(o.urls[size_t(i) % o.urls.size()], o.join));
        remember(senderFds.back(), i);
    }
    const int total = o.senders + o.receivers;
    auto ignore = [](int, const std::string &) {};
    client.run(
        60, [&] { return client.openCount() + client.failedCount() >= total; }, ignore);
    client.run(
        1.0, [] { return false; }, ignore); // joins settle
    if (client.failedCount() || client.openCount() < total) {
        std::printf("connections: %d open, %d failed: giving up\n", client.openCount(),
                    client.failedCount());
        return 1;
    }

    struct Sent
    {
        int sender = 0;
        Clock::time_point at;
        bool measured = false;
        double ack = -1; // seconds after `at`
        Clock::time_point ackAt;
        int delivered = 0;
        double all = -1; // seconds until every receiver had it
        bool failed = false;
    };
    std::vector<Sent> sent;
    sent.reserve(size_t(o.rate > 0 ? o.rate * (o.duration + o.warmup) + 16 : 1 << 20));
    std::vector<std::vector<int>> inFlight(size_t(o.senders)); // indexes into `sent`
    const bool closedLoop = o.rate <= 0;
    const int maxMessages = o.messagesGiven ? o.messages : 0;
    bool sending = true;
    bool measuring = o.warmup <= 0;
    long long errors = 0, unknownErrors = 0;

    auto sendFrom = [&](int s) {
        if (maxMessages && int(sent.size()) >= maxMessages) {
            sending = false;
            return;
        }
        const int k = int(sent.size());
        std::string text = o.send;
        const auto placeholder = text.find("{n}");
        if (placeholder != std::string::npos)
            text.replace(placeholder, 3, o.marker + "#" + std::to_string(k));
        Sent m;
        m.sender = s;
        m.at = Clock::now();
        m.measured = measuring;
        sent.push_back(m);
        inFlight[size_t(s)].push_back(k);
        client.send(senderFds[size_t(s)], text);
    };
    auto settle = [&](int s, int k) { // k is no longer in flight for sender s
        auto &queue = inFlight[size_t(s)];
        queue.erase(std::find(queue.begin(), queue.end(), k));
        if (closedLoop && sending && queue.empty())
            sendFrom(s);
    };
    auto onFrame = [&](int fd, const std::string &payload) {
        const int role = size_t(fd) < roleOf.size() ? roleOf[size_t(fd)] : -2;
        const auto at = payload.find(o.marker + "#");
        if (at == std::string::npos) {
            const bool error = payload.find("\"type\":\"error\"") != std::string::npos ||
                               payload.find("\"type\": \"error\"") != std::string::npos;
            if (!error)
                return;
            if (role < 0 || inFlight[size_t(role)].empty()) {
                ++unknownErrors;
                return;
            }
            // Errors carry no marker: the sender's oldest message in flight failed.
            const int k = inFlight[size_t(role)].front();
            sent[size_t(k)].failed = true;
            ++errors;
            settle(role, k);
            return;
        }
        const long k = std::atol(payload.c_str() + at + o.marker.size() + 1);
        if (k < 0 || k >= long(sent.size()))
            return;
        Sent &m = sent[size_t(k)];
        if (role == -1) {
            if (++m.delivered == o.receivers)
                m.all = secondsSince(m.at);
        } else if (role == m.sender && m.ack < 0 && !m.failed) {
            m.ackAt = Clock::now();
            m.ack = std::chrono::duration<double>(m.ackAt - m.at).count();
            settle(role, int(k));
        }
    };

    const auto start = Clock::now();
    const auto measureFrom = start + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(o.warmup));
    const auto end = measureFrom + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(o.duration));
    double cpuBefore = measuring ? cpuSeconds(o.pid) : 0;
    double worstLag = 0; // open loop: how late the client sent
    auto next = start;
    const auto period = closedLoop ? Clock::duration(0)
                                   : std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(1.0 / o.rate));
    int nextSender = 0;
    if (closedLoop) {
        for (int s = 0; s < o.senders; ++s)
            sendFrom(s);
    }
    while (Clock::now() < end && (sending || closedLoop)) {
        auto now = Clock::now();
        if (!measuring && now >= measureFrom) {
            measuring = true;
            cpuBefore = cpuSeconds(o.pid);
        }
        if (!closedLoop && sending) {
            while (next <= now && sending) {
                worstLag = std::max(worstLag, std::chrono::duration<double>(now - next).count());
                sendFrom(nextSender);
                nextSender = (nextSender + 1) % o.senders;
                next += period;
            }
            now = Clock::now();
        }
        if (closedLoop && !sending) {
            bool idle = true;
            for (const auto &queue : inFlight)
                idle = idle && queue.empty();
            if (idle)
                break;
        }
        double wait = 0.005;
        if (!closedLoop && sending)
            wait = std::min(wait, std::chrono::duration<double>(next - now).count());
        wait = std::min(wait, std::chrono::duration<double>(end - now).count());
        client.poll(std::max(0.0, wait), onFrame);
    }
    const auto stoppedAt = Clock::now();
    const double cpu = cpuSeconds(o.pid) - cpuBefore;
    sending = false;
    // Let what is in flight arrive (not counted in the throughput, counted in the latencies).
    client.run(
        10,
        [&] {
            for (const Sent &m : sent) {
                if (!m.failed && (m.ack < 0 || (o.receivers && m.all < 0)))
                    return false;
            }
            return true;
        },
        onFrame);

    const auto windowStart = std::max(measureFrom, start);
    const double window = std::chrono::duration<double>(stoppedAt - windowStart).count();
    constexpr double never = 1e12;
    long long measured = 0, acked = 0, ackedInWindow = 0, unacked = 0, undelivered = 0;
    std::vector<double> acks, alls;
    for (const Sent &m : sent) {
        if (m.ack >= 0 && m.ackAt >= windowStart && m.ackAt <= stoppedAt)
            ++ackedInWindow;
        if (!m.measured)
            continue;
        ++measured;
        if (m.failed)
            continue;
        // What never arrived counts as slower than anything that did.
        if (m.ack >= 0)
            ++acked;
        else
            ++unacked;
        acks.push_back(m.ack >= 0 ? m.ack * 1000 : never);
        if (o.receivers) {
            undelivered += m.all < 0;
            alls.push_back(m.all >= 0 ? m.all * 1000 : never);
        }
    }
    auto ms = [&](double value) {
        if (value >= never)
            return std::string("never (some did not arrive)");
        char text[32];
        std::snprintf(text, sizeof text, "%.2f ms", value);
        return std::string(text);
    };
    const double throughput = window > 0 ? double(ackedInWindow) / window : 0;
    if (closedLoop)
        std::printf("mode: closed loop, %d senders with one message in flight each, %d receivers, "
                    "%.1f s measured after %.1f s warm-up\n",
                    o.senders, o.receivers, window, o.warmup);
    else
        std::printf("mode: open loop at %.0f msg/s over %d senders, %d receivers, %.1f s measured "
                    "after %.1f s warm-up (client sent at most %.2f ms late)\n",
                    o.rate, o.senders, o.receivers, window, o.warmup, worstLag * 1000);
    std::printf("messages: %lld sent, %lld acked, %lld errors, %lld unacked, %lld not delivered "
                "to all receivers\n",
                measured, acked, errors, unacked, undelivered);
    std::printf("throughput: %.0f acked msg/s\n", throughput);
    std::printf("ack latency: p50 %s, p99 %s, max %s\n", ms(percentile(acks, 0.5)).c_str(),
                ms(percentile(acks, 0.99)).c_str(), ms(percentile(acks, 1.0)).c_str());
    if (o.receivers)
        std::printf("delivery to all %d receivers: p50 %s, p99 %s, max %s\n", o.receivers,
                    ms(percentile(alls, 0.5)).c_str(), ms(percentile(alls, 0.99)).c_str(),
                    ms(percentile(alls, 1.0)).c_str());
    if (o.pid)
        std::printf("server CPU: %.2f s in %.1f s (%.0f%% of a core), %.1f us per message\n", cpu,
                    window, window > 0 ? 100 * cpu / window : 0.0,
                    ackedInWindow ? cpu * 1e6 / double(ackedInWindow) : 0.0);
    if (unknownErrors)
        std::printf("other error frames: %lld\n", unknownErrors);
    return errors || unacked || undelivered || !acked ? 1 : 0;
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    if (argc < 2) {
        std::fprintf(stderr, "usage: wsbench connect|fanout|chat --url ws://... [options]\n");
        return 2;
    }
    o.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string name = argv[i], value = argv[i + 1];
        if (name == "--url") {
            o.url = parseUrl(value);
            o.urls.push_back(o.url);
        } else if (name == "--receiver-url")
            o.receiverUrls.push_back(parseUrl(value));
        else if (name == "--senders")
            o.senders = std::atoi(value.c_str());
        else if (name == "--receivers")
            o.receivers = std::atoi(value.c_str());
        else if (name == "--duration")
            o.duration = std::atof(value.c_str());
        else if (name == "--warmup")
            o.warmup = std::atof(value.c_str());
        else if (name == "--rate")
            o.rate = std::atof(value.c_str());
        else if (name == "--sender-url") {
            o.senderUrl = parseUrl(value);
            o.separateSender = true;
        } else if (name == "--count")
            o.count = std::atoi(value.c_str());
        else if (name == "--burst")
            o.burst = std::atoi(value.c_str());
        else if (name == "--messages") {
            o.messages = std::atoi(value.c_str());
            o.messagesGiven = true;
        } else if (name == "--interval-ms")
            o.intervalMs = std::atoi(value.c_str());
        else if (name == "--pid")
            o.pid = std::atoi(value.c_str());
        else if (name == "--join")
            o.join = value;
        else if (name == "--send")
            o.send = value;
        else if (name == "--marker")
            o.marker = value;
        else {
            std::fprintf(stderr, "unknown option %s\n", name.c_str());
            return 2;
        }
    }
    if (o.mode == "connect")
        return runConnect(o);
    if (o.mode == "fanout")
        return runFanout(o);
    if (o.mode == "chat")
        return runChat(o);
    std::fprintf(stderr, "unknown mode %s\n", o.mode.c_str());
    return 2;
}
