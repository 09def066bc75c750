// A readiness API behind one small interface: epoll (Linux), poll (POSIX)
// or kqueue (macOS and the BSDs). Level-triggered: an fd keeps firing while
// it stays ready for an interest it was registered with.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

namespace kv {

// Bit set of what an fd is watched for, or what it is ready for.
enum Interest : unsigned {
  kInterestNone = 0,
  kInterestRead = 1U << 0U,
  kInterestWrite = 1U << 1U,
};

struct PollEvent {
  int fd = -1;
  // Interest bits that are ready. An error or hang-up on the fd is reported
  // as ready for both, so that the next read or write reports it.
  unsigned ready = kInterestNone;
};

class Poller {
 public:
  virtual ~Poller() = default;

  // Starts watching `fd` for `interest` (which may be kInterestNone).
  virtual std::error_code add(int fd, unsigned interest) = 0;
  // Changes what a watched `fd` is watched for.
  virtual std::error_code modify(int fd, unsigned interest) = 0;
  // Stops watching `fd`; call before closing it.
  virtual std::error_code remove(int fd) = 0;
  // Waits up to `timeout` for ready fds and replaces `fired` with them.
  // An interrupted wait returns no events and no error.
  virtual std::error_code wait(std::chrono::milliseconds timeout,
                               std::vector<PollEvent>& fired) = 0;
  virtual std::string_view name() const = 0;
};

// The poller names this platform supports, the default one first.
std::vector<std::string_view> available_pollers();
// Creates the named poller; on failure returns nullptr and sets `error`.
std::unique_ptr<Poller> make_poller(std::string_view name, std::error_code& error);

// The backends; each is compiled only where its API exists.
std::unique_ptr<Poller> make_epoll_poller(std::error_code& error);
std::unique_ptr<Poller> make_poll_poller(std::error_code& error);
std::unique_ptr<Poller> make_kqueue_poller(std::error_code& error);

}  // namespace kv
