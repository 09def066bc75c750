// kvcli against a real event-loop kvserver, and against one-shot fake
// servers for the error paths. Checks exit codes, stdout and stderr.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/child_process.h"
#include "tests/servers/integration/process_exit.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRunTimeout{10000};

struct RunResult {
  std::optional<int> status;
  std::vector<std::string> lines;
};

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string kvcli_command(const std::vector<std::string>& args) {
  std::string command = shell_quote(KV_CLI_PATH);
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  return command;
}

// Runs `command` under /bin/sh and collects its stdout lines and exit status.
RunResult run_shell(const std::string& command) {
  RunResult result;
  std::error_code error;
  ChildProcess child = ChildProcess::spawn_shell(command, error);
  if (error) {
    ADD_FAILURE() << "cannot run " << command << ": " << error.message();
    return result;
  }
  while (const auto line = child.read_line(kRunTimeout)) result.lines.push_back(*line);
  result.status = wait_for_exit(child, kRunTimeout);
  return result;
}

// kvcli's stdout (its stderr goes to the test log).
RunResult run_kvcli_stdout(const std::vector<std::string>& args) {
  return run_shell(kvcli_command(args));
}

// kvcli's stderr (its stdout is discarded).
RunResult run_kvcli_stderr(const std::vector<std::string>& args) {
  return run_shell(kvcli_command(args) + " 2>&1 >/dev/null");
}

void expect_exit(const RunResult& result, int code) {
  ASSERT_TRUE(result.status.has_value()) << "kvcli did not exit in time";
  EXPECT_TRUE(exited_with(*result.status, code)) << describe_wait_status(*result.status);
}

// A listening socket on 127.0.0.1 that serves one connection on a thread:
// it reads once, writes `reply`, and waits for the client to close.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply) : reply_(std::move(reply)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 1) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve_one(); });
  }
  OneShotServer(const OneShotServer&) = delete;
  OneShotServer& operator=(const OneShotServer&) = delete;
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  static bool wait_readable(int fd, milliseconds timeout) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(timeout.count())) > 0;
  }

  void serve_one() {
    if (!wait_readable(listener_, kRunTimeout)) return;
    const int connection = ::accept(listener_, nullptr, nullptr);
    if (connection < 0) return;
    char request[4096];
    if (wait_readable(connection, kRunTimeout) &&
        ::recv(connection, request, sizeof request, 0) > 0 && !reply_.empty()) {
      ::send(connection, reply_.data(), reply_.size(), MSG_NOSIGNAL);
    }
    while (wait_readable(connection, kRunTimeout) &&
           ::recv(connection, request, sizeof request, 0) > 0) {
    }
    ::close(connection);
  }

  std::string reply_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (it was free a moment ago).
std::uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  std::uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

class KvcliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code error;
    server_ = ChildProcess::spawn({KV_SERVER_PATH, "--model", "event-loop", "--host",
                                   "127.0.0.1", "--port", "0"},
                                  error);
    ASSERT_FALSE(error) << error.message();
    const auto port = server_.wait_listening(kRunTimeout);
    ASSERT_TRUE(port.has_value()) << "kvserver did not start listening";
    target_ = "127.0.0.1:" + std::to_string(*port);
  }

  void TearDown() override {
    if (server_.pid() > 0) {
      const int status = server_.stop();
      EXPECT_TRUE(exited_with(status, 0)) << describe_wait_status(status);
    }
  }

  ChildProcess server_;
  std::string target_;
};

TEST_F(KvcliTest, PutThenGetPrintsTheValue) {
  const RunResult put = run_kvcli_stdout({"--target", target_, "put", "greeting", "hello world"});
  expect_exit(put, 0);
  EXPECT_TRUE(put.lines.empty());
  const RunResult get = run_kvcli_stdout({"--target", target_, "get", "greeting"});
  expect_exit(get, 0);
  EXPECT_EQ(get.lines, std::vector<std::string>{"hello world"});
}

TEST_F(KvcliTest, OptionsMayFollowTheSubcommand) {
  expect_exit(run_kvcli_stdout({"put", "k", "\xE2\x82\xAC", "--target", target_}), 0);
  const RunResult get = run_kvcli_stdout({"get", "k", "--target", target_, "--timeout-ms", "2000"});
  expect_exit(get, 0);
  EXPECT_EQ(get.lines, std::vector<std::string>{"\xE2\x82\xAC"});
}

TEST_F(KvcliTest, GetMissPrintsNotFoundAndExitsOne) {
  const RunResult out = run_kvcli_stdout({"--target", target_, "get", "absent"});
  expect_exit(out, 1);
  EXPECT_TRUE(out.lines.empty());
  const RunResult err = run_kvcli_stderr({"--target", target_, "get", "absent"});
  expect_exit(err, 1);
  EXPECT_EQ(err.lines, std::vector<std::string>{"not found"});
}

TEST(KvcliErrorTest, ConnectionRefusedExitsTwo) {
  const std::uint16_t port = unused_port();
  ASSERT_NE(port, 0);
  const std::string target = "127.0.0.1:" + std::to_string(port);
  const RunResult err = run_kvcli_stderr({"--target", target, "get", "k"});
  expect_exit(err, 2);
  EXPECT_EQ(err.lines, std::vector<std::string>{"kvcli: cannot connect to " + target +
                                                ": Connection refused"});
}

TEST(KvcliErrorTest, UnexpectedResponseExitsTwo) {
  OneShotServer server(encode_frame_to_string(make_unknown_kind_response(0)));
  const RunResult err = run_kvcli_stderr({"--target", server.target(), "put", "k", "v"});
  expect_exit(err, 2);
  ASSERT_EQ(err.lines.size(), 1U);
  EXPECT_TRUE(err.lines[0].starts_with("kvcli: unexpected response from " + server.target()))
      << err.lines[0];
}

TEST(KvcliErrorTest, GetResponseForAnotherKeyExitsTwo) {
  OneShotServer server(encode_frame_to_string(make_get_hit("other", "v")));
  const RunResult out = run_kvcli_stdout({"--target", server.target(), "get", "k"});
  expect_exit(out, 2);
  EXPECT_TRUE(out.lines.empty());
}

TEST(KvcliErrorTest, FramingGarbageExitsTwo) {
  OneShotServer server(std::string(8, '\0'));
  const RunResult err = run_kvcli_stderr({"--target", server.target(), "get", "k"});
  expect_exit(err, 2);
  ASSERT_EQ(err.lines.size(), 1U);
  EXPECT_TRUE(err.lines[0].starts_with("kvcli: no valid response from " + server.target()))
      << err.lines[0];
}

TEST(KvcliErrorTest, SilentServerTimesOutAndExitsTwo) {
  OneShotServer server("");
  const RunResult err =
      run_kvcli_stderr({"--target", server.target(), "--timeout-ms", "200", "get", "k"});
  expect_exit(err, 2);
  ASSERT_EQ(err.lines.size(), 1U);
  EXPECT_NE(err.lines[0].find("no response before the timeout"), std::string::npos)
      << err.lines[0];
}

// kvcli takes an IPv6 address in brackets. Skipped where the machine has
// no IPv6 loopback (kvserver cannot listen on ::1).
TEST(KvcliIpv6Test, BracketedIpv6TargetWorks) {
  std::error_code error;
  ChildProcess server = ChildProcess::spawn(
      {KV_SERVER_PATH, "--model", "event-loop", "--host", "::1", "--port", "0"}, error);
  ASSERT_FALSE(error) << error.message();
  const auto port = server.wait_listening(kRunTimeout);
  if (!port) GTEST_SKIP() << "kvserver cannot listen on ::1 here";
  const std::string target = "[::1]:" + std::to_string(*port);
  expect_exit(run_kvcli_stdout({"--target", target, "put", "k6", "v6"}), 0);
  const RunResult get = run_kvcli_stdout({"--target", target, "get", "k6"});
  expect_exit(get, 0);
  EXPECT_EQ(get.lines, std::vector<std::string>{"v6"});
}

// A name the resolver refuses (it is not a valid host name, so no lookup
// leaves the machine) is reported as a failed lookup, not as a connection
// failure.
TEST(KvcliErrorTest, FailedLookupIsReportedAsSuch) {
  const RunResult err = run_kvcli_stderr({"--target", "bad_host!name:7070", "get", "k"});
  expect_exit(err, 2);
  ASSERT_EQ(err.lines.size(), 1U);
  EXPECT_TRUE(err.lines[0].starts_with("kvcli: cannot resolve bad_host!name: ")) << err.lines[0];
}

TEST(KvcliErrorTest, MalformedTargetExitsTwo) {
  const RunResult err = run_kvcli_stderr({"--target", "no-port", "get", "k"});
  expect_exit(err, 2);
  EXPECT_EQ(err.lines.size(), 1U);
}

}  // namespace
}  // namespace kv::test
