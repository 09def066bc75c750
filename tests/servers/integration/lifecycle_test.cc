// The kvserver command-line contract: SIGTERM exits 0 within 1 s; a port in
// use or a bad flag exits 2.
#include <string>
#include <vector>

#include "tests/servers/integration/process_exit.h"
#include "tests/servers/integration/server_fixture.h"

namespace kv::test {
namespace {

// How long a server that must refuse to start may take to exit.
constexpr std::chrono::milliseconds kRefusalTimeout{5000};

// Runs kvserver with `argv` and expects it to exit 2 without listening.
void expect_refused_with_exit_2(const std::vector<std::string>& argv) {
  std::error_code error;
  ChildProcess child = ChildProcess::spawn(argv, error);
  ASSERT_FALSE(error) << error.message();
  while (const auto line = child.read_line(kRefusalTimeout)) {
    EXPECT_FALSE(line->starts_with("listening on")) << "kvserver started: " << *line;
  }
  const auto status = wait_for_exit(child, kRefusalTimeout);
  ASSERT_TRUE(status.has_value()) << "kvserver did not exit within " << kRefusalTimeout.count()
                                  << " ms";
  EXPECT_TRUE(exited_with(*status, 2)) << describe_wait_status(*status);
}

TEST_P(ServerModelTest, SigtermExitsZeroWithinOneSecondWithOpenConnection) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.put("k", "v"));
  // The connection stays open, idle, while the server is told to stop.
  EXPECT_TRUE(stop_server(kStopGrace));
}

TEST_P(ServerModelTest, PortInUseExitsTwo) {
  ASSERT_TRUE(start_server());
  expect_refused_with_exit_2(kvserver_argv(GetParam(), {}, port()));
  // The first server is unharmed.
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.make_get_miss("k"));
}

TEST_P(ServerModelTest, UnknownFlagExitsTwo) {
  expect_refused_with_exit_2(kvserver_argv(GetParam(), {"--no-such-flag"}, 0));
}

TEST_P(ServerModelTest, MalformedPortExitsTwo) {
  std::vector<std::string> argv = kvserver_argv(GetParam(), {}, 0);
  argv.back() = "not-a-port";
  expect_refused_with_exit_2(argv);
}

}  // namespace
}  // namespace kv::test
