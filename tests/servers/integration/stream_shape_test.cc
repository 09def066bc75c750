// However the request stream is split or batched, the server decodes it the
// same way and answers every request in order (SPEC 2.5, 5.7, 8.1, 8.2).
#include <string>
#include <thread>
#include <vector>

#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

// Requests and their expected responses, built side by side.
struct Exchange {
  std::string requests;
  std::vector<Message> responses;

  void add_put(const std::string& key, const std::string& value) {
    requests += put_frame(key, value);
    responses.push_back(make_put_ack());
  }
  void add_get_hit(const std::string& key, const std::string& value) {
    requests += get_frame(key);
    responses.push_back(make_get_hit(key, value));
  }
};

// `count` PUT/GET pairs on distinct keys.
Exchange put_get_pairs(int count) {
  Exchange exchange;
  for (int i = 0; i < count; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::string value = "value-" + std::to_string(i * 7);
    exchange.add_put(key, value);
    exchange.add_get_hit(key, value);
  }
  return exchange;
}

::testing::AssertionResult expect_all(TestClient& client, const std::vector<Message>& responses) {
  for (std::size_t i = 0; i < responses.size(); ++i) {
    if (auto received = client.expect(responses[i]); !received) {
      return received << " (response " << i << " of " << responses.size() << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST_P(ServerModelTest, FrameSplitAtEveryOffsetIsDecoded) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  const std::string probe = put_frame("split", "x");
  for (std::size_t offset = 1; offset < probe.size(); ++offset) {
    SCOPED_TRACE("split at byte " + std::to_string(offset));
    const std::string value = "at-" + std::to_string(offset);
    const std::string frame = put_frame("split", value);
    ASSERT_TRUE(client.send(frame.substr(0, offset)));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(client.send(frame.substr(offset)));
    ASSERT_TRUE(client.expect(make_put_ack()));
    ASSERT_TRUE(client.make_get_hit("split", value));
  }
}

TEST_P(ServerModelTest, ByteByByteRequestsAreDecoded) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  Exchange exchange;
  exchange.add_put("bytewise", "one byte at a time");
  exchange.add_get_hit("bytewise", "one byte at a time");
  ASSERT_TRUE(client.send_in_pieces(exchange.requests, 1, std::chrono::milliseconds(1)));
  EXPECT_TRUE(expect_all(client, exchange.responses));
}

TEST_P(ServerModelTest, CoalescedFramesInOneWriteAreAllAnswered) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  const Exchange exchange = put_get_pairs(25);
  ASSERT_TRUE(client.send(exchange.requests));
  EXPECT_TRUE(expect_all(client, exchange.responses));
}

TEST_P(ServerModelTest, TwoThousandPipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  const Exchange exchange = put_get_pairs(1000);
  // Send everything on a second thread while this one reads, so that
  // neither side's buffers can deadlock the exchange.
  std::error_code send_error;
  std::thread sender([&] { send_error = client.raw().send(exchange.requests, kAnswerTimeout); });
  const ::testing::AssertionResult answered = expect_all(client, exchange.responses);
  sender.join();
  EXPECT_FALSE(send_error) << send_error.message();
  EXPECT_TRUE(answered);
}

TEST_P(ServerModelTest, HalfCloseAfterPipelinedRequestsAnswersAllThenCloses) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  const Exchange exchange = put_get_pairs(50);
  ASSERT_TRUE(client.send(exchange.requests));
  ASSERT_TRUE(client.shutdown_send());
  ASSERT_TRUE(expect_all(client, exchange.responses));
  EXPECT_TRUE(client.expect_closed(kAnswerTimeout));
}

TEST_P(ServerModelTest, SlowReaderGetsEveryByteOfLargeResponses) {
  ASSERT_TRUE(start_server());
  // A small receive buffer makes the server's writes back up and split.
  ConnectOptions options;
  options.receive_buffer_bytes = 16 * 1024;
  TestClient client = connect(options);
  ASSERT_TRUE(client.connected());
  std::string value(1024 * 1024, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('A' + i % 23);
  ASSERT_TRUE(client.put("large", value));
  constexpr int kGets = 6;
  std::string gets;
  for (int i = 0; i < kGets; ++i) gets += get_frame("large");
  ASSERT_TRUE(client.send(gets));
  // Let the server fill every buffer before reading anything.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int i = 0; i < kGets; ++i) {
    SCOPED_TRACE("response " + std::to_string(i));
    ASSERT_TRUE(client.expect(make_get_hit("large", value)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace
}  // namespace kv::test
