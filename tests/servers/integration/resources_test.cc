// Server resources and shutdown over loopback (SPEC 12.2-12.6): the memory
// budget, slot eviction, the graceful drain and the second signal.
#include <signal.h>

#include <string>
#include <thread>

#include "tests/servers/integration/process_exit.h"
#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

// A value large enough that 100 GET responses back up in the socket
// buffers of a client that does not read.
const std::string kBigValue(64 * 1024, 'v');
constexpr int kPipelined = 100;

std::string pipelined_gets() {
  std::string gets;
  for (int i = 0; i < kPipelined; ++i) gets += get_frame("big");
  return gets;
}

void send_signal(ChildProcess& server, int signo) { ASSERT_EQ(::kill(server.pid(), signo), 0); }

TEST_P(ServerModelTest, OverTheBudgetTheLargestPartialFrameIsClosed_Rule12_2) {
  ASSERT_TRUE(start_server({"--max-buffered-bytes", "1048576"}));
  TestClient greedy = connect();
  ASSERT_TRUE(greedy.connected());
  ASSERT_TRUE(greedy.put("before", "1"));
  // 1.5 MiB of a 3 MiB frame: past the 1 MiB budget.
  ASSERT_TRUE(greedy.send(header(3 * 1024 * 1024) + std::string(1536 * 1024, 'x')));
  ASSERT_TRUE(greedy.shutdown_send());
  EXPECT_TRUE(greedy.expect(make_error_response()))
      << "the discarded partial frame gets the error response";
  EXPECT_TRUE(greedy.expect_closed());

  TestClient next = connect();
  ASSERT_TRUE(next.connected());
  EXPECT_TRUE(next.make_get_hit("before", "1")) << "the server serves on";
}

TEST_P(ConcurrentServerModelTest, AFullServerEvictsTheOldestIncompleteConnection_Rule12_3) {
  ASSERT_TRUE(start_server({"--max-connections", "3"}));
  const std::string frame = put_frame("slow", "1");
  std::vector<TestClient> drippers;
  for (int i = 0; i < 3; ++i) {
    drippers.push_back(connect());
    ASSERT_TRUE(drippers.back().connected());
    ASSERT_TRUE(drippers.back().send(frame.substr(0, 1)));
    // The server must see them in this order.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Every slot is taken by a connection that has completed nothing.
  TestClient newcomer = connect();
  ASSERT_TRUE(newcomer.connected());
  ASSERT_TRUE(newcomer.send(put_frame("new", "1")));
  EXPECT_TRUE(newcomer.expect(make_put_ack(), kCloseTimeout)) << "served at once";
  EXPECT_TRUE(drippers[0].expect(make_error_response(), kCloseTimeout))
      << "the oldest incomplete connection gives up its slot";
  EXPECT_TRUE(drippers[0].expect_closed());
  // The others keep theirs and finish their frames.
  for (int i = 1; i < 3; ++i) {
    ASSERT_TRUE(drippers[i].send(frame.substr(1)));
    EXPECT_TRUE(drippers[i].expect(make_put_ack())) << "dripper " << i;
  }
}

TEST_P(ServerModelTest, SigtermAnswersEveryRequestReceivedThenExits_Rule12_5) {
  ASSERT_TRUE(start_server());
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.put("big", kBigValue));
  const std::string partial = put_frame("partial", "x").substr(0, 6);
  ASSERT_TRUE(client.send(pipelined_gets() + partial));
  // Every request has reached the server; most responses cannot leave it,
  // since the client reads nothing yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  send_signal(server(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // A client arriving during the drain is refused, or (single-blocking,
  // which accepts nothing more) waits unserved and is reset at the exit.
  TestClient late = connect();
  const bool late_sent = late.connected() && late.send(put_frame("late", "1"));

  for (int i = 0; i < kPipelined; ++i) {
    ASSERT_TRUE(client.expect(make_get_hit("big", kBigValue))) << "response " << i;
  }
  EXPECT_TRUE(client.expect(make_error_response())) << "in place of the partial frame";
  EXPECT_TRUE(client.expect_closed());
  const auto status = wait_for_exit(server(), kTeardownGrace);
  ASSERT_TRUE(status.has_value()) << "the server did not exit after its drain";
  EXPECT_TRUE(exited_with(*status, 0)) << describe_wait_status(*status);
  if (late_sent) {
    EXPECT_TRUE(late.expect_closed()) << "the late client is closed unanswered";
  }
}

TEST_P(ServerModelTest, ASecondSigtermStopsTheDrainAtOnce_Rule12_6) {
  ASSERT_TRUE(start_server({"--drain-ms", "60000"}));
  TestClient client = connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.put("big", kBigValue));
  // The client never reads: the drain could wait for it for a minute.
  ASSERT_TRUE(client.send(pipelined_gets()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  send_signal(server(), SIGTERM);
  EXPECT_FALSE(wait_for_exit(server(), std::chrono::milliseconds(500)).has_value())
      << "the first signal drains";
  send_signal(server(), SIGTERM);
  const auto status = wait_for_exit(server(), kStopGrace);
  ASSERT_TRUE(status.has_value()) << "the second signal did not stop the server";
  EXPECT_TRUE(exited_with(*status, 0)) << describe_wait_status(*status);
}

}  // namespace
}  // namespace kv::test
