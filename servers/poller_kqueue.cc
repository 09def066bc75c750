// The kqueue backend (macOS and the BSDs). Each interest is one filter:
// EVFILT_READ and EVFILT_WRITE are added or deleted as the interest changes.
// This file is compiled only on those systems (see CMakeLists.txt).
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)

#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>

#include <array>
#include <cerrno>
#include <unordered_map>

#include "net/net_error.h"
#include "net/unique_fd.h"
#include "servers/poller.h"

namespace kv {
namespace {

constexpr int kMaxEventsPerWait = 256;

class KqueuePoller final : public Poller {
 public:
  explicit KqueuePoller(net::UniqueFd queue) : queue_(std::move(queue)) {}

  std::error_code add(int fd, unsigned interest) override {
    if (interests_.contains(fd)) return std::make_error_code(std::errc::file_exists);
    if (auto error = apply(fd, kInterestNone, interest)) return error;
    interests_.emplace(fd, interest);
    return {};
  }

  std::error_code modify(int fd, unsigned interest) override {
    const auto it = interests_.find(fd);
    if (it == interests_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    if (auto error = apply(fd, it->second, interest)) return error;
    it->second = interest;
    return {};
  }

  std::error_code remove(int fd) override {
    const auto it = interests_.find(fd);
    if (it == interests_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    const std::error_code error = apply(fd, it->second, kInterestNone);
    interests_.erase(it);
    return error;
  }

  std::error_code wait(std::chrono::milliseconds timeout, std::vector<PollEvent>& fired) override {
    fired.clear();
    timespec limit{};
    limit.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    limit.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1000000);
    const int n = ::kevent(queue_.get(), nullptr, 0, events_.data(), kMaxEventsPerWait, &limit);
    if (n < 0) {
      if (errno == EINTR) return {};
      return net::errno_error();
    }
    for (int i = 0; i < n; ++i) {
      const struct kevent& event = events_[i];
      const int fd = static_cast<int>(event.ident);
      if ((event.flags & EV_ERROR) != 0) {
        fired.push_back({fd, kInterestRead | kInterestWrite});
      } else if (event.filter == EVFILT_READ) {
        // EV_EOF on a read filter still means "a read will not block".
        fired.push_back({fd, kInterestRead});
      } else if (event.filter == EVFILT_WRITE) {
        const bool failed = (event.flags & EV_EOF) != 0;
        fired.push_back({fd, failed ? (kInterestRead | kInterestWrite) : kInterestWrite});
      }
    }
    return {};
  }

  std::string_view name() const override { return "kqueue"; }

 private:
  // Adds the filters in `to` but not in `from` and deletes the reverse.
  std::error_code apply(int fd, unsigned from, unsigned to) {
    std::array<struct kevent, 2> changes{};
    int count = 0;
    const auto change = [&](unsigned bit, short filter) {
      const bool was = (from & bit) != 0U;
      const bool is = (to & bit) != 0U;
      if (was == is) return;
      EV_SET(&changes[count], static_cast<uintptr_t>(fd), filter,
             static_cast<unsigned short>(is ? EV_ADD : EV_DELETE), 0, 0, 0);
      ++count;
    };
    change(kInterestRead, EVFILT_READ);
    change(kInterestWrite, EVFILT_WRITE);
    if (count == 0) return {};
    if (::kevent(queue_.get(), changes.data(), count, nullptr, 0, nullptr) != 0) {
      return net::errno_error();
    }
    return {};
  }

  net::UniqueFd queue_;
  std::unordered_map<int, unsigned> interests_;
  std::array<struct kevent, kMaxEventsPerWait> events_{};
};

}  // namespace

std::unique_ptr<Poller> make_kqueue_poller(std::error_code& error) {
  net::UniqueFd queue(::kqueue());
  if (!queue.valid()) {
    error = net::errno_error();
    return nullptr;
  }
  return std::make_unique<KqueuePoller>(std::move(queue));
}

}  // namespace kv

#endif
