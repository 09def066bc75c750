// Idle timeouts (SPEC 9.1-9.3), with short --idle-timeout-ms values so that
// the tests stay short.
#include <string>
#include <thread>
#include <vector>

#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

const std::vector<std::string> kShortIdleFlags{"--idle-timeout-ms", "300"};

TEST_P(ServerModelTest, IdleConnectionsAreClosed) {
  ASSERT_TRUE(start_server(kShortIdleFlags));
  TestClient used = connect();
  ASSERT_TRUE(used.connected());
  ASSERT_TRUE(used.put("k", "v"));
  EXPECT_TRUE(used.expect_closed(kAnswerTimeout));

  TestClient silent = connect();
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.expect_closed(kAnswerTimeout));

  // The server itself keeps serving.
  TestClient next = connect();
  ASSERT_TRUE(next.connected());
  EXPECT_TRUE(next.make_get_hit("k", "v"));
}

TEST_P(ServerModelTest, ByteEveryFiftyMillisecondsIsNeverTimedOut) {
  ASSERT_TRUE(start_server(kShortIdleFlags));
  const std::string frame = put_frame("drip", "1");
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  // 17 bytes at 50 ms: the frame takes about 850 ms, well past 300 ms.
  ASSERT_TRUE(client.send_in_pieces(frame, 1, std::chrono::milliseconds(50)));
  ASSERT_TRUE(client.expect(make_put_ack()));
  EXPECT_TRUE(client.make_get_hit("drip", "1"));
}

TEST_P(ServerModelTest, SlowReaderIsNotTimedOutWhileResponsesArePending) {
  // A 500 ms idle timeout here: the reader's pauses (50 ms plus its own
  // decoding, slow under sanitizers) must stay well below it, while the
  // whole read (24 pauses) lasts longer than it.
  ASSERT_TRUE(start_server({"--idle-timeout-ms", "500"}));
  constexpr int kGets = 24;
  const std::string value(256 * 1024, 'r');
  const std::string put = put_frame("pending", value);
  std::string gets;
  for (int i = 0; i < kGets; ++i) gets += get_frame("pending");
  const Message expected = make_get_hit("pending", value);
  // Everything is built before connecting: the connection is never idle.
  ConnectOptions options;
  options.receive_buffer_bytes = 16 * 1024;
  TestClient client = connect(options);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(put));
  ASSERT_TRUE(client.expect(make_put_ack()));
  ASSERT_TRUE(client.send(gets));
  // The client sends nothing more but keeps reading, with short pauses.
  for (int i = 0; i < kGets; ++i) {
    SCOPED_TRACE("response " + std::to_string(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(client.expect(expected));
  }
}

}  // namespace
}  // namespace kv::test
