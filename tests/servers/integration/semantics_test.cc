// Request semantics over a real connection (SPEC sections 4 and 5).
#include <string>

#include "codec/frame_format.h"
#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

TEST_P(ServerModelTest, PutIsAcknowledgedAndGetHits) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.put("colour", "blue"));
  EXPECT_TRUE(client.make_get_hit("colour", "blue"));
}

TEST_P(ServerModelTest, PutOverwritesEarlierValue) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.put("k", "first"));
  ASSERT_TRUE(client.put("k", "second"));
  EXPECT_TRUE(client.make_get_hit("k", "second"));
}

TEST_P(ServerModelTest, GetMissEchoesKeyWithNotOk) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.make_get_miss("never-stored"));
}

TEST_P(ServerModelTest, MissAfterHitOnSameConnectionHasEmptyValue) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.put("present", "a long value that must not leak into the next response"));
  ASSERT_TRUE(client.make_get_hit("present", "a long value that must not leak into the next response"));
  EXPECT_TRUE(client.make_get_miss("absent"));
}

TEST_P(ServerModelTest, EmptyKeyAndEmptyValueAreOrdinaryData) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.make_get_miss(""));
  ASSERT_TRUE(client.put("", "value-of-empty-key"));
  EXPECT_TRUE(client.make_get_hit("", "value-of-empty-key"));
  ASSERT_TRUE(client.put("empty-value", ""));
  EXPECT_TRUE(client.make_get_hit("empty-value", ""));
}

TEST_P(ServerModelTest, UnicodeKeysAndValuesRoundTrip) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  const std::string key = "cl\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC-\xF0\x9F\x94\x91";
  const std::string value = "\xCE\xB1\xCE\xB2\xCE\xB3 \xF0\x9F\x98\x80 \xE2\x82\xAC";
  ASSERT_TRUE(client.put(key, value));
  EXPECT_TRUE(client.make_get_hit(key, value));
}

TEST_P(ServerModelTest, FooterBytesInsideKeyAndValueAreData) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  const std::string key = "@EOF@";
  // A value holding the footer and a whole encoded frame, footer included.
  const std::string value = "before@EOF@after" + put_frame("inner", "@EOF@");
  ASSERT_TRUE(client.put(key, value));
  EXPECT_TRUE(client.make_get_hit(key, value));
  EXPECT_TRUE(client.make_get_miss("inner"));
}

TEST_P(ServerModelTest, OneMebibyteValueRoundTrips) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  std::string value(1024 * 1024, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(client.put("big", value));
  EXPECT_TRUE(client.make_get_hit("big", value));
}

TEST_P(ServerModelTest, FrameExactlyAtMaxFrameBytesIsLegal) {
  constexpr std::uint32_t kMax = 4096;
  ASSERT_TRUE(start_server({"--max-frame-bytes", std::to_string(kMax)}));
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  // Grow the value until the PUT frame's LEN is exactly the maximum.
  std::string value(kMax - 100, 'v');
  while (put_frame("k", value).size() < kHeaderBytes + kMax) value.push_back('v');
  const std::string frame = put_frame("k", value);
  ASSERT_EQ(read_frame_len(reinterpret_cast<const std::uint8_t*>(frame.data())), kMax);
  ASSERT_TRUE(client.send(frame));
  ASSERT_TRUE(client.expect(make_put_ack()));
  EXPECT_TRUE(client.make_get_hit("k", value));
}

TEST_P(ServerModelTest, OtherKindsAreAnsweredNotOkAndChangeNothing) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  for (const std::uint32_t kind : {0U, 2U, 99U}) {
    SCOPED_TRACE("kind " + std::to_string(kind));
    ASSERT_TRUE(client.send(kind_frame(kind, "k", "v")));
    ASSERT_TRUE(client.expect(make_unknown_kind_response(kind)));
  }
  EXPECT_TRUE(client.make_get_miss("k"));
}

TEST_P(ServerModelTest, BadBodyIsAnsweredAndConnectionStaysUsable) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  // A PUT of k whose value is invalid UTF-8; a key field claiming 16 bytes
  // but holding 1.
  const std::string bad_utf8("\x0a\x01k\x12\x02\xff\xfe\x18\x03", 9);
  const std::string truncated_field("\x0a\x10k", 3);
  for (const std::string& body : {bad_utf8, truncated_field}) {
    ASSERT_TRUE(client.send(encode_raw_frame_to_string(body)));
    ASSERT_TRUE(client.expect(make_unknown_kind_response(0)));
  }
  ASSERT_TRUE(client.make_get_miss("k"));
  ASSERT_TRUE(client.put("after-bad-body", "ok"));
  EXPECT_TRUE(client.make_get_hit("after-bad-body", "ok"));
}

TEST_P(ServerModelTest, WritesAreVisibleAcrossConnections) {
  ASSERT_TRUE(start_server());
  TestClient writer = connect();
  TestClient reader = connect();
  ASSERT_TRUE(writer.connected());
  ASSERT_TRUE(reader.connected());
  if (!concurrent()) {
    // The sequential profile serves `reader` only after `writer` leaves.
    ASSERT_TRUE(writer.put("shared", "from-writer"));
    writer.close();
    EXPECT_TRUE(reader.make_get_hit("shared", "from-writer"));
    return;
  }
  ASSERT_TRUE(writer.put("shared", "from-writer"));
  ASSERT_TRUE(reader.make_get_hit("shared", "from-writer"));
  ASSERT_TRUE(reader.put("shared", "from-reader"));
  EXPECT_TRUE(writer.make_get_hit("shared", "from-reader"));
}

}  // namespace
}  // namespace kv::test
