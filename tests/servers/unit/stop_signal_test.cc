// The stop request: a flag plus a wake-up fd, raised by a thread or a signal.
#include "servers/stop_signal.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

namespace kv {
namespace {

bool readable(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) == 1 && (entry.revents & POLLIN) != 0;
}

TEST(StopSignalTest, StartsUnrequested) {
  StopSignal stop;
  ASSERT_FALSE(stop.error());
  EXPECT_FALSE(stop.stop_requested());
  EXPECT_FALSE(readable(stop.wake_fd()));
}

TEST(StopSignalTest, RequestSetsTheFlagAndWakesTheFd) {
  StopSignal stop;
  stop.request_stop();
  EXPECT_TRUE(stop.stop_requested());
  EXPECT_TRUE(readable(stop.wake_fd()));
  stop.request_stop();  // Idempotent.
  EXPECT_TRUE(stop.stop_requested());
}

TEST(StopSignalTest, SigtermRequestsStopAndSigpipeIsIgnored) {
  StopSignal stop;
  ASSERT_FALSE(StopSignal::install_handlers(stop));
  ASSERT_EQ(::raise(SIGPIPE), 0);  // Would kill the process if not ignored.
  EXPECT_FALSE(stop.stop_requested());
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_TRUE(stop.stop_requested());
  EXPECT_TRUE(readable(stop.wake_fd()));
  // `stop` dies with this test: give the signals back their defaults.
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  sigemptyset(&defaults.sa_mask);
  for (int signo : {SIGINT, SIGTERM, SIGPIPE}) EXPECT_EQ(::sigaction(signo, &defaults, nullptr), 0);
}

}  // namespace
}  // namespace kv
