// The value-parameterized fixture of the server integration suite: each
// test starts its own kvserver (one configuration from server_model.h) on
// an ephemeral port and TearDown stops it, checking that it exits 0 on
// SIGTERM (a crash or a sanitizer report fails the test that caused it).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/child_process.h"
#include "tests/servers/integration/server_model.h"
#include "tests/servers/integration/test_client.h"

namespace kv::test {

// How long a server may take to print its "listening on" line.
inline constexpr std::chrono::milliseconds kStartTimeout{10000};
// SIGTERM must stop a server within 1 s (the lifecycle test checks it with
// this bound, which leaves room for slow machines).
inline constexpr std::chrono::milliseconds kStopGrace{1500};
// At teardown a server must still exit 0 on SIGTERM, but a loaded machine
// running sanitizer builds may take longer than the rule's bound; only the
// lifecycle test holds servers to kStopGrace.
inline constexpr std::chrono::milliseconds kTeardownGrace{5000};

// The kvserver argv for `model` plus `extra_flags`, on --port `port`.
std::vector<std::string> kvserver_argv(const ServerModel& model,
                                       const std::vector<std::string>& extra_flags,
                                       std::uint16_t port);

class ServerModelTest : public ::testing::TestWithParam<ServerModel> {
 protected:
  // Skips the test, with the reason, when the model cannot run here.
  void SetUp() override;
  void TearDown() override;

  // Starts kvserver with the model's flags plus `extra_flags` on port 0
  // and waits for its "listening on" line.
  ::testing::AssertionResult start_server(const std::vector<std::string>& extra_flags = {});

  // Stops the server with SIGTERM; fails unless it exits 0 in time.
  ::testing::AssertionResult stop_server(std::chrono::milliseconds grace = kTeardownGrace);

  bool concurrent() const { return GetParam().concurrent; }
  std::uint16_t port() const { return port_; }
  ChildProcess& server() { return server_; }
  TestClient connect(ConnectOptions options = {}) const { return TestClient(port_, options); }

 private:
  ChildProcess server_;
  std::uint16_t port_ = 0;
};

// The same fixture, instantiated only with the concurrent models (SPEC
// 11.3), for rules that concern them alone.
class ConcurrentServerModelTest : public ServerModelTest {};

}  // namespace kv::test
