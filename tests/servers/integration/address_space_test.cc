// End to end, an allocation that fails for lack of memory closes one
// connection and nothing else (SPEC 12.1): kvserver runs under a 128 MiB
// address-space limit (ulimit -v) with a frame limit and a budget far above
// it, so that a large frame makes its buffer's growth fail. Built only
// without sanitizers, which need terabytes of address space.
#include <string>

#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

constexpr const char* kAddressSpaceKib = "131072";
constexpr std::uint32_t kClaimedLen = 200 * 1024 * 1024;
// Past 64 MiB the input buffer grows to 128 MiB, which cannot fit.
constexpr std::size_t kSentBodyBytes = 70 * 1024 * 1024;

std::string shell_quoted(const std::string& word) { return "'" + word + "'"; }

TEST_P(ServerModelTest, AFailedAllocationClosesOnlyItsConnection_Rule12_1) {
  std::vector<std::string> argv = kvserver_argv(
      GetParam(), {"--max-frame-bytes", "268435456", "--max-buffered-bytes", "1073741824"}, 0);
  std::string command = "ulimit -v ";
  command.append(kAddressSpaceKib).append(" && exec");
  for (const std::string& word : argv) command += " " + shell_quoted(word);
  std::error_code error;
  ChildProcess server = ChildProcess::spawn_shell(command, error);
  ASSERT_FALSE(error) << error.message();
  const auto port = server.wait_listening(kStartTimeout);
  ASSERT_TRUE(port.has_value()) << "kvserver did not start under ulimit -v " << kAddressSpaceKib;

  TestClient bystander(*port);
  ASSERT_TRUE(bystander.connected());
  ASSERT_TRUE(bystander.put("kept", "1"));
  if (!concurrent()) bystander.close();  // A sequential server serves one at a time.

  TestClient greedy(*port);
  ASSERT_TRUE(greedy.connected());
  ASSERT_TRUE(greedy.put("before", "2"));
  ASSERT_TRUE(greedy.send(header(kClaimedLen) + std::string(kSentBodyBytes, 'x')));
  ASSERT_TRUE(greedy.shutdown_send());
  EXPECT_TRUE(greedy.expect(make_error_response())) << "in place of the frame it could not hold";
  EXPECT_TRUE(greedy.expect_closed());

  if (concurrent()) {
    EXPECT_TRUE(bystander.make_get_hit("before", "2")) << "still served";
  }
  TestClient next(*port);
  ASSERT_TRUE(next.connected());
  EXPECT_TRUE(next.make_get_hit("kept", "1"));
  ASSERT_TRUE(server.running()) << "the server survived";
  EXPECT_EQ(server.stop(kTeardownGrace), 0) << "and exits 0 on SIGTERM";
}

}  // namespace
}  // namespace kv::test
