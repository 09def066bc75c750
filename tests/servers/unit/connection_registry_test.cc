// The connection registry with real Connection state machines (no
// sockets): the memory budget (SPEC 12.2), slot eviction (SPEC 12.3), what
// an evicted connection answers (SPEC 12.4), and the log (SPEC 12.7).
#include "servers/connection_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "servers/connection.h"
#include "tests/servers/support/test_frames.h"
#include "tests/servers/unit/store_lookup.h"

namespace kv {
namespace {

using namespace std::chrono_literals;
using test::decode_all;
using test::get_frame;
using test::header;
using test::is_error;
using test::is_hit;
using test::is_put_ack;
using test::put_frame;
using Clock = Connection::Clock;

class RegistryTest : public ::testing::Test {
 protected:
  void make_registry(std::size_t budget, std::size_t max_connections = 1024) {
    registry_ = std::make_unique<ConnectionRegistry>(RegistryLimits{budget, max_connections}, log_);
  }

  // Admits and opens a connection at `now`; nullptr if refused.
  Connection* open(Clock::time_point now) {
    ConnectionRegistry::Entry entry = registry_->admit(now);
    if (!entry) return nullptr;
    ConnectionOptions options;
    options.max_frame_len = 8 * 1024 * 1024;
    connections_.push_back(std::make_unique<Connection>(handler_, options, now, std::move(entry)));
    return connections_.back().get();
  }

  static void feed(Connection& c, std::string_view bytes, Clock::time_point now) {
    c.input().append(bytes);
    c.on_input(now);
  }

  static std::vector<Message> take_all(Connection& c, Clock::time_point now) {
    const auto pending = c.pending_output();
    const std::string bytes(reinterpret_cast<const char*>(pending.data()), pending.size());
    c.on_output_written(bytes.size(), now);
    return decode_all(bytes);
  }

  std::ostringstream log_text_;
  ServerLog log_{log_text_, 0ms};
  Store store_;
  RequestHandler handler_{store_};
  std::unique_ptr<ConnectionRegistry> registry_;
  std::vector<std::unique_ptr<Connection>> connections_;
  Clock::time_point t0_ = Clock::now();
};

TEST_F(RegistryTest, TheTotalFollowsWhatConnectionsHold_Rule12_2) {
  make_registry(64 * 1024 * 1024);
  Connection* a = open(t0_);
  Connection* b = open(t0_);
  feed(*a, header(1024 * 1024) + std::string(200 * 1024, 'x'), t0_);
  feed(*b, put_frame("k", "v"), t0_);
  EXPECT_EQ(registry_->buffered_bytes(), a->held_bytes() + b->held_bytes());
  EXPECT_GE(registry_->buffered_bytes(), 200U * 1024U);
  connections_.clear();
  EXPECT_EQ(registry_->buffered_bytes(), 0U) << "a closed connection gives its bytes back";
  EXPECT_EQ(registry_->open_connections(), 0U);
}

TEST_F(RegistryTest, OverTheBudgetTheLargestPartialFrameIsClosedWithTheErrorResponse_Rule12_2) {
  make_registry(512 * 1024);
  Connection* small = open(t0_);
  Connection* large = open(t0_);
  feed(*small, put_frame("done", "1") + header(1024 * 1024) + std::string(100 * 1024, 's'), t0_);
  feed(*large, put_frame("first", "1") + header(4 * 1024 * 1024) + std::string(600 * 1024, 'l'),
       t0_);
  // The eviction is acted on at the connection's next call.
  large->on_tick(t0_ + 1ms);
  small->on_tick(t0_ + 1ms);

  const auto out = take_all(*large, t0_ + 2ms);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_put_ack(out[0])) << "the complete request before it is answered";
  EXPECT_TRUE(is_error(out[1])) << "the discarded partial frame gets the error response";
  EXPECT_TRUE(large->wants_write_shutdown());
  EXPECT_LT(large->deadline(), t0_ + 1s) << "closed like a framing error (SPEC 6.1)";

  EXPECT_TRUE(small->wants_read()) << "the other connection goes on";
  EXPECT_FALSE(small->wants_write_shutdown());
  EXPECT_LE(registry_->buffered_bytes(), 512U * 1024U);
  EXPECT_EQ(log_.total(ConnectionEvent::kClosedForBudget), 1U);
  EXPECT_NE(log_text_.str().find("1 closed for the memory budget"), std::string::npos)
      << log_text_.str();
}

TEST_F(RegistryTest, EveryConnectionHoldingAPartialFrameCannotDeadlock_Rule12_2) {
  make_registry(1280 * 1024);
  std::vector<Connection*> all;
  for (int i = 0; i < 8; ++i) all.push_back(open(t0_));
  // Each holds a partial frame; together they hold far more than the budget.
  for (Connection* c : all) feed(*c, header(4 * 1024 * 1024) + std::string(300 * 1024, 'p'), t0_);
  for (Connection* c : all) c->on_tick(t0_ + 1ms);
  int evicted = 0;
  for (Connection* c : all) {
    if (!c->wants_write()) {
      EXPECT_TRUE(c->wants_read()) << "the rest is read again";
      continue;
    }
    ++evicted;
    const auto out = take_all(*c, t0_ + 2ms);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_TRUE(is_error(out[0]));
  }
  EXPECT_GE(evicted, 1);
  EXPECT_LT(evicted, 8) << "only as many as the budget needs";
  EXPECT_LE(registry_->buffered_bytes(), 1280U * 1024U);
}

TEST_F(RegistryTest, PendingOutputPausesBigConnectionsButNotSmallOnes_Rule12_2) {
  make_registry(200 * 1024);
  const std::string value(150 * 1024, 'v');
  store_.put("big", value);
  Connection* big = open(t0_);
  Connection* small = open(t0_);
  // A response larger than the whole budget is built all the same.
  feed(*big, get_frame("big") + get_frame("big"), t0_);
  ASSERT_TRUE(registry_->over_budget()) << "the client reads nothing yet";
  EXPECT_TRUE(big->paused());
  EXPECT_FALSE(big->wants_read());
  EXPECT_TRUE(big->wants_write()) << "a paused connection still writes";
  EXPECT_FALSE(small->paused());
  feed(*small, put_frame("k", "v"), t0_);
  const auto out = take_all(*small, t0_);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_TRUE(is_put_ack(out[0])) << "a connection within the floor is served";
  EXPECT_EQ(log_.total(ConnectionEvent::kClosedForBudget), 0U)
      << "pending output is never discarded for the budget";

  // The client reads: the total falls, and the second GET is answered.
  ASSERT_TRUE(is_hit(take_all(*big, t0_ + 1ms).at(0), "big", value));
  big->on_tick(t0_ + 1ms);
  const auto second = take_all(*big, t0_ + 2ms);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_TRUE(is_hit(second[0], "big", value));
  EXPECT_FALSE(big->paused());
  EXPECT_TRUE(big->wants_read());
}

TEST_F(RegistryTest, ALargeResponseWaitsForRoomInTheBudget_Rule12_2) {
  make_registry(512 * 1024);
  const std::string value(150 * 1024, 'v');
  store_.put("big", value);
  Connection* holder = open(t0_);
  Connection* reader = open(t0_);
  feed(*holder, header(1024 * 1024) + std::string(200 * 1024, 'h'), t0_);
  // 300 KiB (the value copied, then framed) would take the total over 512 KiB.
  feed(*reader, get_frame("big") + put_frame("after", "1"), t0_);
  EXPECT_FALSE(reader->wants_write()) << "the response is not built yet";
  EXPECT_TRUE(reader->paused());
  EXPECT_FALSE(reader->wants_read());
  EXPECT_EQ(test::stored_value(store_, "after"), std::nullopt) << "requests stay in order";
  EXPECT_LE(registry_->buffered_bytes(), 512U * 1024U);

  // Waiting cannot deadlock: the partial frame in the way is evicted.
  holder->on_tick(t0_ + 1ms);
  const auto evicted = take_all(*holder, t0_ + 1ms);
  ASSERT_EQ(evicted.size(), 1U);
  EXPECT_TRUE(is_error(evicted[0]));
  reader->on_tick(t0_ + 1ms);
  const auto out = take_all(*reader, t0_ + 2ms);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_hit(out[0], "big", value));
  EXPECT_TRUE(is_put_ack(out[1]));
  EXPECT_FALSE(reader->paused());
}

TEST_F(RegistryTest, AFullServerEvictsTheConnectionWaitingLongest_Rule12_3) {
  make_registry(64 * 1024 * 1024, 3);
  Connection* idle = open(t0_);
  Connection* dripping = open(t0_ + 1s);
  Connection* busy = open(t0_ + 2s);
  feed(*dripping, put_frame("d", "1").substr(0, 3), t0_ + 3s);
  feed(*idle, put_frame("i", "1"), t0_ + 4s);  // Completed a request: waits since 4 s.
  take_all(*idle, t0_ + 4s);
  store_.put("big", std::string(10000, 'b'));
  feed(*busy, get_frame("big"), t0_ + 5s);  // Unread response: not evictable.

  ASSERT_NE(open(t0_ + 6s), nullptr) << "the new connection is served";
  dripping->on_tick(t0_ + 6s);
  idle->on_tick(t0_ + 6s);
  busy->on_tick(t0_ + 6s);
  // The dripping connection has waited since it opened (1 s): the longest.
  const auto out = take_all(*dripping, t0_ + 6s);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_TRUE(is_error(out[0])) << "its partial frame gets the error response";
  EXPECT_TRUE(dripping->wants_write_shutdown());
  EXPECT_FALSE(idle->wants_write_shutdown());
  EXPECT_TRUE(busy->wants_write());

  // Full again (the evicted one is leaving): the idle one goes next, silently.
  ASSERT_NE(open(t0_ + 7s), nullptr);
  idle->on_tick(t0_ + 7s);
  EXPECT_FALSE(idle->wants_write()) << "no input was discarded: no error response";
  EXPECT_TRUE(idle->wants_write_shutdown());
  EXPECT_EQ(log_.total(ConnectionEvent::kEvictedForSlot), 2U);
}

TEST_F(RegistryTest, AFullServerWhereEveryConnectionHasResponsesPendingRefuses_Rule12_3) {
  make_registry(64 * 1024 * 1024, 1);
  Connection* busy = open(t0_);
  store_.put("big", std::string(10000, 'b'));
  feed(*busy, get_frame("big"), t0_);
  EXPECT_EQ(open(t0_ + 1s), nullptr);
  EXPECT_EQ(log_.total(ConnectionEvent::kRefused), 1U);
  EXPECT_EQ(registry_->open_connections(), 1U);
}

TEST(ServerLogTest, WritesAtMostOneLinePerIntervalSummingTheEvents_Rule12_7) {
  std::ostringstream out;
  ServerLog log(out, 1000ms);
  const auto t0 = ServerLog::Clock::now();
  log.count(ConnectionEvent::kRefused, t0);
  for (int i = 0; i < 500; ++i) log.count(ConnectionEvent::kEvictedForSlot, t0 + 10ms);
  log.count(ConnectionEvent::kShed, t0 + 20ms);
  log.flush_if_due(t0 + 999ms);
  EXPECT_EQ(out.str(), "kvserver: connections since start: 1 refused (every slot busy)\n");
  log.flush_if_due(t0 + 1000ms);
  EXPECT_EQ(out.str(),
            "kvserver: connections since start: 1 refused (every slot busy)\n"
            "kvserver: connections in the last 1.0 s: 1 shed (out of file descriptors), 500 "
            "evicted for a slot (max-connections full)\n");
  log.flush_if_due(t0 + 5000ms);
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "nothing new, no line";
  EXPECT_EQ(log.total(ConnectionEvent::kEvictedForSlot), 500U);
}

}  // namespace
}  // namespace kv
