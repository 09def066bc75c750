#include "servers/unique_fd.h"

#include <unistd.h>

namespace kv {

void UniqueFd::reset(int fd) {
  // close() is not retried on EINTR: on Linux and the BSDs the descriptor
  // is released even then, and a retry could close someone else's.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace kv
