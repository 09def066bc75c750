#include "tools/kvbench/load_worker.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "net/net_error.h"

namespace kv {
namespace {

constexpr int kMaxEvents = 256;
// How long epoll_wait sleeps at most, so that the deadline and timeouts
// are noticed on time even when nothing arrives.
constexpr int kTickMs = 10;
constexpr std::uint64_t kExpireEveryNs = 50'000'000;

class EpollFd {
 public:
  EpollFd() : fd_(::epoll_create1(EPOLL_CLOEXEC)) {}
  ~EpollFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  EpollFd(const EpollFd&) = delete;
  EpollFd& operator=(const EpollFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::uint64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(now.tv_nsec);
}

LoadWorker::LoadWorker(const BenchConfig& config, const RequestTemplates& templates,
                       std::uint64_t request_limit, std::uint64_t deadline_ns)
    : config_(config), templates_(templates), budget_(request_limit), deadline_ns_(deadline_ns) {}

void LoadWorker::add_connection(int fd, std::uint64_t id) {
  connections_.push_back(std::make_unique<BenchConnection>(fd, id, config_, templates_));
  watching_output_.push_back(false);
}

void LoadWorker::add_connect_error(const std::string& description) {
  stats_.add_error(1, description);
}

void LoadWorker::update_interest(int epoll_fd, std::size_t index) {
  BenchConnection& connection = *connections_[index];
  if (!connection.is_open() || connection.wants_write() == watching_output_[index]) return;
  epoll_event event{};
  event.events = EPOLLIN | (connection.wants_write() ? EPOLLOUT : 0U);
  event.data.u64 = index;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, connection.fd(), &event) == 0) {
    watching_output_[index] = connection.wants_write();
  }
}

template <typename Action>
void LoadWorker::tracked(BenchConnection& connection, Action&& action) {
  if (!connection.is_open()) return;
  const std::uint64_t before = connection.in_flight();
  action(connection);
  in_flight_ = in_flight_ - before + connection.in_flight();
  if (!connection.is_open()) --open_;
}

void LoadWorker::handle_event(std::uint32_t events, BenchConnection& connection,
                              std::uint64_t now_ns) {
  if ((events & EPOLLOUT) != 0U) {
    tracked(connection, [&](BenchConnection& c) { c.on_writable(stats_); });
  }
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0U) {
    tracked(connection, [&](BenchConnection& c) { c.on_readable(now_ns, budget_, stats_); });
  }
}

void LoadWorker::expire_all(std::uint64_t now_ns) {
  const auto timeout_ns = static_cast<std::uint64_t>(config_.timeout.count());
  for (auto& connection : connections_) {
    tracked(*connection, [&](BenchConnection& c) { c.expire(now_ns, timeout_ns, stats_); });
  }
}

bool LoadWorker::done() const {
  return open_ == 0 || (budget_.exhausted() && in_flight_ == 0);
}

void LoadWorker::publish() {
  responses_.store(stats_.responses, std::memory_order_relaxed);
  errors_.store(stats_.errors, std::memory_order_relaxed);
}

std::error_code LoadWorker::run() {
  const EpollFd epoll;
  if (epoll.get() < 0) return net::errno_error();
  const std::uint64_t start_ns = monotonic_ns();
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, connections_[i]->fd(), &event) != 0) {
      return net::errno_error();
    }
    ++open_;
    tracked(*connections_[i],
            [&](BenchConnection& c) { c.fill_pipeline(start_ns, budget_, stats_); });
    update_interest(epoll.get(), i);
  }
  std::array<epoll_event, kMaxEvents> events{};
  std::uint64_t next_expiry_ns = start_ns + kExpireEveryNs;
  while (!done()) {
    const int ready = ::epoll_wait(epoll.get(), events.data(), kMaxEvents, kTickMs);
    if (ready < 0 && errno != EINTR) return net::errno_error();
    const std::uint64_t now_ns = monotonic_ns();
    if (now_ns >= deadline_ns_) budget_.stop();
    for (int i = 0; i < ready; ++i) {
      const auto index = static_cast<std::size_t>(events[static_cast<std::size_t>(i)].data.u64);
      handle_event(events[static_cast<std::size_t>(i)].events, *connections_[index], now_ns);
      update_interest(epoll.get(), index);
    }
    if (now_ns >= next_expiry_ns) {
      expire_all(now_ns);
      publish();
      next_expiry_ns = now_ns + kExpireEveryNs;
    }
  }
  finished_ns_ = monotonic_ns();
  connections_.clear();
  publish();
  return {};
}

}  // namespace kv
