// The stop request: a count plus a wake-up fd, raised by a thread or a
// signal; and the shutdown phases derived from it (SPEC 12.5, 12.6).
#include "servers/stop_signal.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

#include <chrono>

#include "servers/shutdown.h"

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
  EXPECT_FALSE(stop.stop_now_requested());
  EXPECT_TRUE(readable(stop.wake_fd()));
  stop.consume_wakeups();
  EXPECT_FALSE(readable(stop.wake_fd()));
  stop.request_stop();
  EXPECT_TRUE(stop.stop_requested());
  EXPECT_TRUE(stop.stop_now_requested()) << "the second request";
  EXPECT_TRUE(readable(stop.wake_fd())) << "wakes the loop again";
}

TEST(ShutdownTest, ServesDrainsForTheDrainTimeThenStops_Rule12_5) {
  using namespace std::chrono_literals;
  StopSignal stop;
  const Shutdown shutdown(stop, 3000ms);
  const auto t0 = Shutdown::Clock::now();
  EXPECT_EQ(shutdown.phase(t0), ShutdownPhase::kServing);
  stop.request_stop();
  // The drain time counts from the first look after the request.
  EXPECT_EQ(shutdown.phase(t0 + 1s), ShutdownPhase::kDraining);
  EXPECT_EQ(shutdown.phase(t0 + 3999ms), ShutdownPhase::kDraining);
  EXPECT_EQ(shutdown.phase(t0 + 4s), ShutdownPhase::kStopping);
}

TEST(ShutdownTest, ASecondRequestStopsAtOnce_Rule12_6) {
  using namespace std::chrono_literals;
  StopSignal stop;
  const Shutdown shutdown(stop, 3000ms);
  const auto t0 = Shutdown::Clock::now();
  stop.request_stop();
  EXPECT_EQ(shutdown.phase(t0), ShutdownPhase::kDraining);
  stop.request_stop();
  EXPECT_EQ(shutdown.phase(t0 + 1ms), ShutdownPhase::kStopping);
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
