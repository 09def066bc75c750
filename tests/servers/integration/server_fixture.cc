#include "tests/servers/integration/server_fixture.h"

#include "tests/servers/integration/process_exit.h"

namespace kv::test {

std::vector<std::string> kvserver_argv(const ServerModel& model,
                                       const std::vector<std::string>& extra_flags,
                                       std::uint16_t port) {
  std::vector<std::string> argv{KV_SERVER_PATH};
  argv.insert(argv.end(), model.flags.begin(), model.flags.end());
  argv.insert(argv.end(), {"--host", "127.0.0.1", "--port", std::to_string(port)});
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  return argv;
}

void ServerModelTest::SetUp() {
  if (!GetParam().unavailable.empty()) {
    GTEST_SKIP() << "the " << GetParam().name
                 << " model cannot run on this machine: " << GetParam().unavailable;
  }
}

void ServerModelTest::TearDown() {
  if (server_.pid() > 0 && !server_.wait_status()) {
    EXPECT_TRUE(stop_server());
  }
}

::testing::AssertionResult ServerModelTest::start_server(
    const std::vector<std::string>& extra_flags) {
  std::error_code error;
  server_ = ChildProcess::spawn(kvserver_argv(GetParam(), extra_flags, 0), error);
  if (error) return ::testing::AssertionFailure() << "cannot start kvserver: " << error.message();
  const auto listening = server_.wait_listening(kStartTimeout);
  if (!listening) {
    return ::testing::AssertionFailure()
           << "kvserver printed no \"listening on HOST:PORT\" line within " << kStartTimeout.count()
           << " ms";
  }
  port_ = *listening;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult ServerModelTest::stop_server(std::chrono::milliseconds grace) {
  if (server_.wait_status()) {
    return ::testing::AssertionFailure()
           << "kvserver had already exited: " << describe_wait_status(*server_.wait_status());
  }
  const int status = server_.stop(grace);
  if (!exited_with(status, 0)) {
    return ::testing::AssertionFailure() << "kvserver did not exit 0 within " << grace.count()
                                         << " ms of SIGTERM: " << describe_wait_status(status);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace kv::test
