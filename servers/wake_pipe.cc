#include "servers/wake_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include "net/net_error.h"
#include "net/socket_options.h"

namespace kv {
namespace {

std::error_code prepare_pipe_end(int fd) {
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return net::errno_error();
  return net::set_blocking_mode(fd, net::BlockingMode::kNonBlocking);
}

}  // namespace

WakePipe::WakePipe() {
  int ends[2] = {-1, -1};
  if (::pipe(ends) != 0) {
    error_ = net::errno_error();
    return;
  }
  read_end_.reset(ends[0]);
  write_end_.reset(ends[1]);
  error_ = prepare_pipe_end(ends[0]);
  if (!error_) error_ = prepare_pipe_end(ends[1]);
}

void WakePipe::notify() const {
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = ::write(write_end_.get(), &byte, 1);
}

void WakePipe::drain() const {
  char bytes[64];
  while (::read(read_end_.get(), bytes, sizeof bytes) > 0) {
  }
}

}  // namespace kv
