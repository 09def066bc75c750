// The epoll backend (Linux), level-triggered.
#include <sys/epoll.h>

#include <array>
#include <cerrno>

#include "net/net_error.h"
#include "net/unique_fd.h"
#include "servers/poller.h"

namespace kv {
namespace {

constexpr int kMaxEventsPerWait = 256;

std::uint32_t to_epoll(unsigned interest) {
  std::uint32_t events = 0;
  if ((interest & kInterestRead) != 0U) events |= EPOLLIN;
  if ((interest & kInterestWrite) != 0U) events |= EPOLLOUT;
  return events;
}

unsigned from_epoll(std::uint32_t events) {
  if ((events & (EPOLLERR | EPOLLHUP)) != 0U) return kInterestRead | kInterestWrite;
  unsigned ready = kInterestNone;
  if ((events & (EPOLLIN | EPOLLRDHUP)) != 0U) ready |= kInterestRead;
  if ((events & EPOLLOUT) != 0U) ready |= kInterestWrite;
  return ready;
}

class EpollPoller final : public Poller {
 public:
  explicit EpollPoller(net::UniqueFd epoll) : epoll_(std::move(epoll)) {}

  std::error_code add(int fd, unsigned interest) override {
    return control(EPOLL_CTL_ADD, fd, interest);
  }
  std::error_code modify(int fd, unsigned interest) override {
    return control(EPOLL_CTL_MOD, fd, interest);
  }
  std::error_code remove(int fd) override { return control(EPOLL_CTL_DEL, fd, kInterestNone); }

  std::error_code wait(std::chrono::milliseconds timeout, std::vector<PollEvent>& fired) override {
    fired.clear();
    const int n = ::epoll_wait(epoll_.get(), events_.data(), kMaxEventsPerWait,
                               static_cast<int>(timeout.count()));
    if (n < 0) {
      if (errno == EINTR) return {};
      return net::errno_error();
    }
    for (int i = 0; i < n; ++i) {
      fired.push_back({events_[i].data.fd, from_epoll(events_[i].events)});
    }
    return {};
  }

  std::string_view name() const override { return "epoll"; }

 private:
  std::error_code control(int op, int fd, unsigned interest) {
    epoll_event event{};
    event.events = to_epoll(interest);
    event.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), op, fd, &event) != 0) return net::errno_error();
    return {};
  }

  net::UniqueFd epoll_;
  std::array<epoll_event, kMaxEventsPerWait> events_{};
};

}  // namespace

std::unique_ptr<Poller> make_epoll_poller(std::error_code& error) {
  net::UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) {
    error = net::errno_error();
    return nullptr;
  }
  return std::make_unique<EpollPoller>(std::move(epoll));
}

}  // namespace kv
