// The poll(2) backend: portable, O(watched fds) per wait.
#include <poll.h>

#include <cerrno>
#include <unordered_map>

#include "net/net_error.h"
#include "servers/poller.h"

namespace kv {
namespace {

short to_poll(unsigned interest) {
  short events = 0;
  if ((interest & kInterestRead) != 0U) events |= POLLIN;
  if ((interest & kInterestWrite) != 0U) events |= POLLOUT;
  return events;
}

unsigned from_poll(short revents) {
  if ((revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return kInterestRead | kInterestWrite;
  unsigned ready = kInterestNone;
  if ((revents & POLLIN) != 0) ready |= kInterestRead;
  if ((revents & POLLOUT) != 0) ready |= kInterestWrite;
  return ready;
}

class PollPoller final : public Poller {
 public:
  std::error_code add(int fd, unsigned interest) override {
    if (index_.contains(fd)) return std::make_error_code(std::errc::file_exists);
    index_.emplace(fd, fds_.size());
    fds_.push_back({fd, to_poll(interest), 0});
    return {};
  }

  std::error_code modify(int fd, unsigned interest) override {
    const auto it = index_.find(fd);
    if (it == index_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    fds_[it->second].events = to_poll(interest);
    return {};
  }

  std::error_code remove(int fd) override {
    const auto it = index_.find(fd);
    if (it == index_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    // Moves the last entry into the hole.
    const std::size_t hole = it->second;
    index_.erase(it);
    if (hole != fds_.size() - 1) {
      fds_[hole] = fds_.back();
      index_[fds_[hole].fd] = hole;
    }
    fds_.pop_back();
    return {};
  }

  std::error_code wait(std::chrono::milliseconds timeout, std::vector<PollEvent>& fired) override {
    fired.clear();
    const int n = ::poll(fds_.data(), fds_.size(), static_cast<int>(timeout.count()));
    if (n < 0) {
      if (errno == EINTR) return {};
      return net::errno_error();
    }
    for (const pollfd& entry : fds_) {
      if (entry.revents != 0) fired.push_back({entry.fd, from_poll(entry.revents)});
    }
    return {};
  }

  std::string_view name() const override { return "poll"; }

 private:
  std::vector<pollfd> fds_;
  std::unordered_map<int, std::size_t> index_;  // fd -> position in fds_.
};

}  // namespace

std::unique_ptr<Poller> make_poll_poller(std::error_code& /*error*/) {
  return std::make_unique<PollPoller>();
}

}  // namespace kv
