// Concurrency profiles (SPEC 11.2, 11.3) and concurrent writers (SPEC 10.3).
#include <string>
#include <thread>
#include <vector>

#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

TEST_P(ServerModelTest, StalledClientAndOtherClientFollowTheProfile) {
  ASSERT_TRUE(start_server());
  TestClient stalled = connect();
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.put("first", "a"));
  const std::string frame = put_frame("stalled", "b");
  ASSERT_TRUE(stalled.send(frame.substr(0, frame.size() / 2)));

  TestClient other = connect();
  ASSERT_TRUE(other.connected());
  ASSERT_TRUE(other.send(put_frame("other", "c") + get_frame("first")));
  if (concurrent()) {
    // A concurrent server answers `other` while `stalled` is mid-frame.
    ASSERT_TRUE(other.expect(make_put_ack()));
    ASSERT_TRUE(other.expect(make_get_hit("first", "a")));
    ASSERT_TRUE(stalled.send(frame.substr(frame.size() / 2)));
    ASSERT_TRUE(stalled.expect(make_put_ack()));
    EXPECT_TRUE(stalled.make_get_hit("other", "c"));
    return;
  }
  // A sequential server serves `other` in full once `stalled` leaves.
  EXPECT_TRUE(other.expect_silence(std::chrono::milliseconds(200)));
  ASSERT_TRUE(stalled.send(frame.substr(frame.size() / 2)));
  ASSERT_TRUE(stalled.expect(make_put_ack()));
  stalled.close();
  ASSERT_TRUE(other.expect(make_put_ack()));
  ASSERT_TRUE(other.expect(make_get_hit("first", "a")));
  EXPECT_TRUE(other.make_get_hit("stalled", "b"));
}

TEST_P(ServerModelTest, ConcurrentWritersLoseNothing) {
  ASSERT_TRUE(start_server());
  constexpr int kWriters = 8;
  constexpr int kKeysPerWriter = 200;
  const auto key_of = [](int writer, int i) {
    return "w" + std::to_string(writer) + "-k" + std::to_string(i);
  };
  // Each writer records its first failure; gtest assertions stay on this thread.
  std::vector<std::string> failures(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      TestClient client = connect();
      if (auto ok = client.connected(); !ok) {
        failures[w] = ok.message();
        return;
      }
      for (int i = 0; i < kKeysPerWriter; ++i) {
        // A sequential server serves this writer only after the others:
        // the first answer may wait for all of them.
        if (auto sent = client.send(put_frame(key_of(w, i), std::to_string(i))); !sent) {
          failures[w] = sent.message();
          return;
        }
        if (auto acked = client.expect(make_put_ack(), std::chrono::milliseconds(20000)); !acked) {
          failures[w] = key_of(w, i) + ": " + acked.message();
          return;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(failures[w], "") << "writer " << w;

  TestClient checker = connect();
  ASSERT_TRUE(checker.connected());
  for (int w = 0; w < kWriters; ++w) {
    std::string gets;
    for (int i = 0; i < kKeysPerWriter; ++i) gets += get_frame(key_of(w, i));
    ASSERT_TRUE(checker.send(gets));
    for (int i = 0; i < kKeysPerWriter; ++i) {
      ASSERT_TRUE(checker.expect(make_get_hit(key_of(w, i), std::to_string(i))));
    }
  }
}

}  // namespace
}  // namespace kv::test
