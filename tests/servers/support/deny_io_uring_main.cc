// deny_io_uring COMMAND [ARGS...]: runs COMMAND with io_uring denied by a
// seccomp filter (support/deny_io_uring.h), as in a container whose profile
// denies it. Exits 125 if the filter cannot be installed, 127 if COMMAND
// cannot be run.
#include <unistd.h>

#include <cstdio>

#include "tests/servers/support/deny_io_uring.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: deny_io_uring COMMAND [ARGS...]\n");
    return 125;
  }
  if (const std::error_code error = kv::test::deny_io_uring_setup()) {
    std::fprintf(stderr, "deny_io_uring: cannot install the filter: %s\n", error.message().c_str());
    return 125;
  }
  ::execvp(argv[1], argv + 1);
  std::perror("deny_io_uring: exec");
  return 127;
}
