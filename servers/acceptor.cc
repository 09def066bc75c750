#include "servers/acceptor.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "net/net_error.h"
#include "net/socket_options.h"

namespace kv {
namespace {

constexpr auto kAcceptBackOff = std::chrono::milliseconds(20);

int open_spare() {
  return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

// accept() with close-on-exec set; -1 and errno on failure.
int accept_cloexec(int listener) {
#if defined(__linux__) || defined(__FreeBSD__)
  return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
#else
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
#endif
}

bool is_out_of_descriptors(int error) {
  return error == EMFILE || error == ENFILE;
}

// Errors that concern only the connection being accepted; the listener is fine.
bool is_connection_gone(int error) {
  return error == ECONNABORTED || error == EPROTO;
}

std::error_code prepare_accepted(int fd) {
#if defined(SO_NOSIGPIPE)
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) != 0) {
    return net::errno_error();
  }
#endif
  return net::set_no_delay(fd);
}

}  // namespace

Acceptor::Acceptor(int listener, ServerLog& log)
    : listener_(listener), log_(log), spare_(open_spare()) {}

AcceptStatus Acceptor::accept(net::UniqueFd& connection, std::error_code& error) {
  for (;;) {
    const int fd = accept_cloexec(listener_);
    if (fd >= 0) {
      net::UniqueFd accepted(fd);
      error = prepare_accepted(fd);
      // A socket that cannot be configured is dropped; the listener is fine.
      if (error) return AcceptStatus::kShed;
      connection = std::move(accepted);
      return AcceptStatus::kAccepted;
    }
    const int failure = errno;
    if (failure == EINTR || is_connection_gone(failure)) continue;
    if (failure == EAGAIN || failure == EWOULDBLOCK) return AcceptStatus::kWouldBlock;
    if (is_out_of_descriptors(failure) && spare_.valid()) return shed_one(error);
    error = {failure, std::system_category()};
    return AcceptStatus::kFailed;
  }
}

AcceptStatus Acceptor::shed_one(std::error_code& error) {
  spare_.reset();
  const int fd = accept_cloexec(listener_);
  const int failure = errno;
  if (fd >= 0) ::close(fd);
  spare_.reset(open_spare());
  if (fd >= 0) {
    log_.count(ConnectionEvent::kShed, std::chrono::steady_clock::now());
    return AcceptStatus::kShed;
  }
  if (failure == EAGAIN || failure == EWOULDBLOCK) return AcceptStatus::kWouldBlock;
  error = {failure, std::system_category()};
  return AcceptStatus::kFailed;
}

void back_off_after_accept_failure() {
  std::this_thread::sleep_for(kAcceptBackOff);
}

std::size_t accept_pending(Acceptor& acceptor,
                           const std::function<void(net::UniqueFd)>& on_connection) {
  std::size_t accepted = 0;
  for (;;) {
    net::UniqueFd connection;
    std::error_code error;
    switch (acceptor.accept(connection, error)) {
      case AcceptStatus::kAccepted:
        on_connection(std::move(connection));
        ++accepted;
        break;
      case AcceptStatus::kShed:
        break;
      case AcceptStatus::kWouldBlock:
        return accepted;
      case AcceptStatus::kFailed:
        back_off_after_accept_failure();
        return accepted;
    }
  }
}

}  // namespace kv
