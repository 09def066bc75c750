// Framing errors (SPEC 2.2, 2.3, 3.2, 6.1-6.3): the frames before the bad
// one are answered in order, then at most one {kind: 0, NotOk}, then a
// close within 1 s; the bad frame changes nothing.
#include <string>

#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

// The servers of these tests run with --max-frame-bytes kSmallMax.
constexpr std::uint32_t kSmallMax = 4096;

std::vector<std::string> small_max_flags() {
  return {"--max-frame-bytes", std::to_string(kSmallMax)};
}

// Sends a PUT and a GET, then `bad`, in one write; expects the two answers,
// the optional error response and the close.
void expect_answered_then_closed(std::uint16_t port, const std::string& bad) {
  TestClient client(port);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(put_frame("before", "1") + get_frame("before") + bad));
  ASSERT_TRUE(client.expect(make_put_ack()));
  ASSERT_TRUE(client.expect(make_get_hit("before", "1")));
  EXPECT_TRUE(client.expect_error_then_closed());
}

// The server still serves new connections, and `key` was never stored.
void expect_alive_without(std::uint16_t port, const std::string& key) {
  TestClient client(port);
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.make_get_miss(key));
}

TEST_P(ServerModelTest, LengthBelowFiveClosesConnection) {
  ASSERT_TRUE(start_server(small_max_flags()));
  for (std::uint32_t len = 0; len < 5; ++len) {
    SCOPED_TRACE("LEN " + std::to_string(len));
    expect_answered_then_closed(port(), encode_header_to_string(len));
  }
  expect_alive_without(port(), "k");
}

TEST_P(ServerModelTest, LengthAboveMaximumIsRejectedFromHeaderAlone) {
  ASSERT_TRUE(start_server(small_max_flags()));
  expect_answered_then_closed(port(), encode_header_to_string(kSmallMax + 1));
  expect_alive_without(port(), "k");
}

TEST_P(ServerModelTest, AllOnesLengthIsRejectedWithoutWaitingForBody) {
  ASSERT_TRUE(start_server());
  expect_answered_then_closed(port(), encode_header_to_string(0xFFFFFFFFU));
  expect_alive_without(port(), "k");
}

TEST_P(ServerModelTest, BadFooterClosesAndIsNotApplied) {
  ASSERT_TRUE(start_server(small_max_flags()));
  expect_answered_then_closed(port(), with_bad_footer(put_frame("bad-footer", "v")));
  expect_alive_without(port(), "bad-footer");
}

TEST_P(ServerModelTest, OversizedPutIsNotApplied) {
  ASSERT_TRUE(start_server(small_max_flags()));
  const std::string frame = put_frame("too-big", std::string(kSmallMax, 'x'));
  // Only the header and part of the body: the server must not wait for more.
  expect_answered_then_closed(port(), frame.substr(0, 64));
  expect_alive_without(port(), "too-big");
}

}  // namespace
}  // namespace kv::test
