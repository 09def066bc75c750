// The io-uring model's availability probe: where io_uring is denied (here
// by a seccomp filter, as a container's profile does) it names the call
// that failed and why, for kvserver's message and the tests' skip reason.
#include "servers/io_uring_probe.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "tests/servers/support/deny_io_uring.h"

namespace kv {
namespace {

// Runs the probe in a child process with io_uring denied; the child's
// answer, or nullopt-like "!" prefixed text when the filter failed.
std::string probe_with_io_uring_denied() {
  int ends[2] = {-1, -1};
  if (::pipe(ends) != 0) return "!pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(ends[0]);
    const std::error_code error = test::deny_io_uring_setup();
    const std::string answer =
        error ? "!cannot install the filter: " + error.message() : io_uring_unavailable_reason();
    [[maybe_unused]] const ssize_t written = ::write(ends[1], answer.data(), answer.size());
    ::_exit(0);
  }
  ::close(ends[1]);
  std::string answer;
  char chunk[256];
  for (ssize_t n; (n = ::read(ends[0], chunk, sizeof chunk)) > 0;) answer.append(chunk, n);
  ::close(ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return answer;
}

TEST(IoUringProbeTest, DeniedIoUringIsReportedWithTheFailedCallAndTheCause) {
  const std::string reason = probe_with_io_uring_denied();
  if (reason.starts_with("!")) GTEST_SKIP() << reason.substr(1);
#if defined(KV_HAVE_LIBURING)
  EXPECT_NE(reason.find("io_uring_setup failed: Operation not permitted"), std::string::npos)
      << reason;
  EXPECT_NE(reason.find("seccomp"), std::string::npos) << reason;
#else
  EXPECT_NE(reason.find("without liburing"), std::string::npos) << reason;
#endif
}

}  // namespace
}  // namespace kv
