// The per-connection state machine, fed bytes directly (no sockets).
// Test names cite the SPEC rules they check.
#include "servers/connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "codec/frame_format.h"
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
using test::is_miss;
using test::is_put_ack;
using test::kind_frame;
using test::put_frame;
using test::raw_frame;
using Clock = Connection::Clock;

// A body that is not a KeyValueMessage: field 1 declared 0x7f bytes long.
const std::string kBadBody = "\x0a\x7f";

class ConnectionTest : public ::testing::Test {
 protected:
  Connection& open(ConnectionOptions options = {}) {
    connection_ = std::make_unique<Connection>(handler_, options, t0_);
    return *connection_;
  }

  void feed(std::string_view bytes, Clock::time_point now) {
    connection_->input().append(bytes);
    connection_->on_input(now);
  }
  void feed(std::string_view bytes) { feed(bytes, t0_); }

  // Takes at most `limit` bytes of pending output, as a socket write would.
  std::string take_output(std::size_t limit = SIZE_MAX, Clock::time_point now = {}) {
    const auto pending = connection_->pending_output();
    const std::size_t n = std::min(limit, pending.size());
    std::string bytes(reinterpret_cast<const char*>(pending.data()), n);
    connection_->on_output_written(n, now == Clock::time_point{} ? t0_ : now);
    return bytes;
  }
  std::vector<Message> responses() { return decode_all(take_output()); }

  Store store_;
  RequestHandler handler_{store_};
  Clock::time_point t0_ = Clock::now();
  std::unique_ptr<Connection> connection_;
};

TEST_F(ConnectionTest, AnswersPutAndGetInOneRead_Rule5_1) {
  Connection& c = open();
  feed(put_frame("k", "v") + get_frame("k") + get_frame("absent"));
  const auto out = responses();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(is_hit(out[1], "k", "v"));
  EXPECT_TRUE(is_miss(out[2], "absent"));
  EXPECT_TRUE(c.wants_read());
  EXPECT_FALSE(c.wants_write());
  EXPECT_FALSE(c.should_close(t0_));
}

TEST_F(ConnectionTest, ByteByByteInputGivesTheSameAnswers_Rule2_5) {
  Connection& c = open();
  const std::string stream = put_frame("key@EOF@", "val@EOF@ue") + get_frame("key@EOF@");
  std::vector<Message> out;
  for (char byte : stream) {
    EXPECT_TRUE(c.wants_read());
    feed(std::string_view(&byte, 1));
    for (auto& m : responses()) out.push_back(m);
  }
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(is_hit(out[1], "key@EOF@", "val@EOF@ue"));
}

TEST_F(ConnectionTest, PipelinedRequestsAreAnsweredInOrder_Rule5_7) {
  open();
  std::string stream;
  for (int i = 0; i < 100; ++i) {
    stream += put_frame("k", std::to_string(i)) + get_frame("k");
  }
  feed(stream);
  const auto out = responses();
  ASSERT_EQ(out.size(), 200U);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(is_put_ack(out[2 * i]));
    EXPECT_TRUE(is_hit(out[2 * i + 1], "k", std::to_string(i))) << i;
  }
}

TEST_F(ConnectionTest, OtherKindsAreAnsweredAndTheConnectionStaysOpen_Rule5_6) {
  Connection& c = open();
  feed(kind_frame(0) + kind_frame(2) + kind_frame(9) + get_frame("k"));
  const auto out = responses();
  ASSERT_EQ(out.size(), 4U);
  EXPECT_EQ(out[0].kind(), 0U);
  EXPECT_EQ(out[1].kind(), 2U);
  EXPECT_EQ(out[2].kind(), 9U);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(out[i].status(), NotOk);
  EXPECT_TRUE(is_miss(out[3], "k"));
  EXPECT_TRUE(c.wants_read());
  EXPECT_EQ(store_.size(), 0U);
}

TEST_F(ConnectionTest, BadBodyIsAnsweredAndTheConnectionStaysOpen_Rule6_4) {
  Connection& c = open();
  feed(raw_frame(kBadBody) + raw_frame("\x0a\x02\xc3\x28") + put_frame("k", "v"));
  const auto out = responses();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_TRUE(is_error(out[0]));
  EXPECT_TRUE(is_error(out[1])) << "invalid UTF-8 in key is a bad body";
  EXPECT_TRUE(is_put_ack(out[2]));
  EXPECT_TRUE(c.wants_read());
  EXPECT_FALSE(c.should_close(t0_));
}

// Each framing error, with the PUT it would have carried (if any).
struct FramingErrorCase {
  const char* name;
  std::string bad_bytes;
};

void PrintTo(const FramingErrorCase& error_case, std::ostream* out) {
  *out << error_case.name;
}

class FramingErrorTest : public ConnectionTest,
                         public ::testing::WithParamInterface<FramingErrorCase> {};

INSTANTIATE_TEST_SUITE_P(
    Errors, FramingErrorTest,
    ::testing::Values(FramingErrorCase{"LengthTooSmall", header(4) + "xxxx"},
                      FramingErrorCase{"LengthZero", header(0)},
                      FramingErrorCase{"LengthTooLarge", header(kDefaultMaxFrameLen + 1)},
                      FramingErrorCase{"LengthMaxUint", header(0xFFFFFFFFU) + "body"},
                      FramingErrorCase{"BadFooter",
                                       test::with_bad_footer(put_frame("bad", "frame"))}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_P(FramingErrorTest, GoodFramesThenErrorResponseThenClose_Rules6_1to6_3) {
  Connection& c = open();
  feed(put_frame("a", "1") + get_frame("a") + GetParam().bad_bytes + put_frame("after", "x"));
  EXPECT_FALSE(c.wants_read()) << "reading stops at a framing error";
  const auto out = responses();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(is_hit(out[1], "a", "1"));
  EXPECT_TRUE(is_error(out[2]));
  EXPECT_EQ(test::stored_value(store_, "bad"), std::nullopt) << "the bad frame changes nothing";
  EXPECT_EQ(test::stored_value(store_, "after"), std::nullopt)
      << "bytes after the error are not decoded";

  // Output flushed: FIN, then discard input until the peer's EOF.
  EXPECT_TRUE(c.wants_write_shutdown());
  c.on_write_shutdown(t0_);
  EXPECT_FALSE(c.wants_write_shutdown());
  EXPECT_TRUE(c.wants_read());
  EXPECT_FALSE(c.should_close(t0_));
  feed(put_frame("late", "x"));
  EXPECT_FALSE(c.wants_write());
  EXPECT_EQ(test::stored_value(store_, "late"), std::nullopt);
  c.on_eof(t0_);
  EXPECT_TRUE(c.should_close(t0_));
}

TEST_P(FramingErrorTest, ClosesWithinOneSecondEvenIfThePeerNeverReads_Rule6_1) {
  Connection& c = open();
  feed(put_frame("a", "1") + GetParam().bad_bytes);
  EXPECT_TRUE(c.wants_write());
  EXPECT_FALSE(c.should_close(t0_));
  EXPECT_LT(c.deadline(), t0_ + 1s);
  EXPECT_TRUE(c.should_close(t0_ + 1s));
}

TEST_F(ConnectionTest, EofReportedBeforeTheFinEndsTheLingeringAtOnce_Rule6_1) {
  Connection& c = open();
  feed(header(1));
  c.on_eof(t0_);
  take_output();
  ASSERT_TRUE(c.wants_write_shutdown());
  c.on_write_shutdown(t0_);
  EXPECT_FALSE(c.wants_read());
  EXPECT_TRUE(c.should_close(t0_));
}

TEST_F(ConnectionTest, OversizedLengthIsJudgedFromTheHeaderAlone_Rule3_2) {
  ConnectionOptions options;
  options.max_frame_len = 64;
  Connection& c = open(options);
  feed(get_frame("k") + header(65));
  const auto out = responses();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_miss(out[0], "k"));
  EXPECT_TRUE(is_error(out[1]));
  EXPECT_TRUE(c.wants_write_shutdown());
}

TEST_F(ConnectionTest, LengthEqualToTheMaximumIsLegal_Rule3_1) {
  ConnectionOptions options;
  const std::string frame = put_frame("k", std::string(40, 'v'));
  options.max_frame_len = static_cast<std::uint32_t>(frame.size() - kHeaderBytes);
  open(options);
  feed(frame);
  const auto out = responses();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_TRUE(is_put_ack(out[0]));
}

TEST_F(ConnectionTest, TruncatedFrameAtEofIsDiscarded_Rule6_5) {
  Connection& c = open();
  const std::string partial = put_frame("partial", "x");
  feed(get_frame("k") + partial.substr(0, partial.size() - 1));
  c.on_eof(t0_);
  EXPECT_FALSE(c.wants_read());
  EXPECT_FALSE(c.should_close(t0_)) << "the complete frame's answer is still pending";
  const auto out = responses();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_TRUE(is_miss(out[0], "k"));
  EXPECT_EQ(test::stored_value(store_, "partial"), std::nullopt);
  EXPECT_FALSE(c.wants_write_shutdown());
  EXPECT_TRUE(c.should_close(t0_));
}

TEST_F(ConnectionTest, HalfCloseAnswersEveryCompleteRequestThenCloses_Rule8_2) {
  Connection& c = open();
  feed(put_frame("a", "1") + put_frame("b", "2") + get_frame("a"));
  c.on_eof(t0_);
  const auto out = responses();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_TRUE(is_hit(out[2], "a", "1"));
  EXPECT_TRUE(c.should_close(t0_));
}

TEST_F(ConnectionTest, EofOnAFrameBoundaryWithNothingPendingClosesAtOnce) {
  Connection& c = open();
  c.on_eof(t0_);
  EXPECT_FALSE(c.wants_read());
  EXPECT_FALSE(c.wants_write());
  EXPECT_TRUE(c.should_close(t0_));
}

TEST_F(ConnectionTest, BackpressureStopsReadingAndResumesWhenDrained_Rule8_1) {
  ConnectionOptions options;
  options.output_soft_limit = 256;
  Connection& c = open(options);
  store_.put("k", std::string(100, 'v'));
  constexpr int kRequests = 50;
  std::string stream;
  for (int i = 0; i < kRequests; ++i) stream += get_frame("k");
  feed(stream);
  EXPECT_FALSE(c.wants_read()) << "output above the limit stops reading";
  EXPECT_GT(c.buffered_input_bytes(), 0U) << "requests wait, unanswered, in the input";
  EXPECT_LE(c.pending_output_bytes(), options.output_soft_limit + 200);

  std::string output;
  for (int round = 0; round < 10 * kRequests && c.wants_write(); ++round) {
    output += take_output(64);
    EXPECT_LE(c.pending_output_bytes(), options.output_soft_limit + 200);
  }
  EXPECT_TRUE(c.wants_read()) << "reading resumes once drained";
  EXPECT_EQ(c.buffered_input_bytes(), 0U);
  const auto out = decode_all(output);
  ASSERT_EQ(out.size(), static_cast<std::size_t>(kRequests)) << "no response is dropped";
  for (const auto& m : out) EXPECT_TRUE(is_hit(m, "k", std::string(100, 'v')));
}

TEST_F(ConnectionTest, HalfCloseUnderBackpressureStillAnswersEverything_Rule8_2) {
  ConnectionOptions options;
  options.output_soft_limit = 64;
  Connection& c = open(options);
  std::string stream;
  for (int i = 0; i < 30; ++i) stream += put_frame(std::string("k") + std::to_string(i), "v");
  feed(stream);
  c.on_eof(t0_);
  std::string output;
  for (int round = 0; round < 1000 && c.wants_write(); ++round) output += take_output(16);
  EXPECT_EQ(decode_all(output).size(), 30U);
  EXPECT_EQ(store_.size(), 30U);
  EXPECT_TRUE(c.should_close(t0_));
}

TEST_F(ConnectionTest, IdleConnectionTimesOut_Rule9_1) {
  ConnectionOptions options;
  options.idle_timeout = 500ms;
  Connection& c = open(options);
  EXPECT_EQ(c.deadline(), t0_ + 500ms);
  EXPECT_FALSE(c.should_close(t0_ + 499ms));
  EXPECT_TRUE(c.should_close(t0_ + 500ms));
}

TEST_F(ConnectionTest, ABytePer100msIsNeverTimedOut_Rule9_2) {
  ConnectionOptions options;
  options.idle_timeout = 150ms;
  Connection& c = open(options);
  const std::string stream = put_frame("slow", "sender") + get_frame("slow");
  Clock::time_point now = t0_;
  for (char byte : stream) {
    now += 100ms;
    ASSERT_FALSE(c.should_close(now));
    feed(std::string_view(&byte, 1), now);
  }
  const auto out = responses();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_hit(out[1], "slow", "sender"));
  EXPECT_TRUE(c.should_close(now + 150ms));
}

TEST_F(ConnectionTest, WritingProgressKeepsTheConnectionAlive_Rule9_3) {
  ConnectionOptions options;
  options.idle_timeout = 150ms;
  Connection& c = open(options);
  store_.put("k", std::string(1000, 'v'));
  feed(get_frame("k"));
  Clock::time_point now = t0_;
  while (c.wants_write()) {
    now += 100ms;
    ASSERT_FALSE(c.should_close(now));
    take_output(100, now);
  }
  EXPECT_FALSE(c.should_close(now + 149ms));
  EXPECT_TRUE(c.should_close(now + 150ms));
}

TEST_F(ConnectionTest, ZeroIdleTimeoutNeverTimesOut) {
  ConnectionOptions options;
  options.idle_timeout = 0ms;
  Connection& c = open(options);
  EXPECT_EQ(c.deadline(), Clock::time_point::max());
  EXPECT_FALSE(c.should_close(t0_ + 24h));
}

TEST_F(ConnectionTest, BuffersKeepTheirStorageBetweenRequests) {
  Connection& c = open();
  feed(put_frame("k", std::string(10000, 'v')) + get_frame("k"));
  ASSERT_EQ(responses().size(), 2U);
  const std::size_t capacity = c.held_bytes();
  EXPECT_GT(capacity, 0U);
  feed(get_frame("k"));
  ASSERT_EQ(responses().size(), 1U);
  EXPECT_EQ(c.held_bytes(), capacity);
}

TEST_F(ConnectionTest, IdleConnectionReleasesItsBuffersAndMessagesAfterTheRetentionTime) {
  ConnectionOptions options;
  options.buffer_retention = 100ms;
  Connection& c = open(options);
  feed(put_frame("k", std::string(10000, 'v')) + get_frame("k"));
  ASSERT_EQ(responses().size(), 2U);
  c.on_tick(t0_ + 99ms);
  EXPECT_GT(c.held_bytes(), 20000U) << "too early: buffers and messages are kept";
  c.on_tick(t0_ + 100ms);
  EXPECT_EQ(c.held_bytes(), 0U) << "the request's and response's strings are freed too";
}

TEST_F(ConnectionTest, StorageAboveTheRetainedSizeIsFreedOnceEmpty) {
  ConnectionOptions options;
  options.retained_storage_bytes = 64 * 1024;
  Connection& c = open(options);
  const std::string value(300 * 1024, 'v');
  feed(put_frame("k", value) + get_frame("k"));
  const auto out = responses();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_hit(out[1], "k", value));
  // No tick has passed: only the large storage went, as soon as it was empty.
  EXPECT_LE(c.held_bytes(), 64U * 1024U);
}

TEST_F(ConnectionTest, ReleasingIdleBuffersKeepsBufferedBytes) {
  Connection& c = open();
  const std::string frame = put_frame("k", "v");
  feed(get_frame("k"));
  feed(frame.substr(0, 5));
  c.on_tick(t0_ + 1h);
  EXPECT_EQ(c.buffered_input_bytes(), 5U);
  EXPECT_GT(c.pending_output_bytes(), 0U);
  feed(frame.substr(5));
  const auto out = responses();
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_miss(out[0], "k"));
  EXPECT_TRUE(is_put_ack(out[1]));
}

TEST_F(ConnectionTest, PartialFrameIsKeptButNothingIsAllocatedForItsClaimedLength_Rule3_3) {
  Connection& c = open();
  feed(header(kDefaultMaxFrameLen) + "abc");
  EXPECT_TRUE(c.wants_read());
  EXPECT_FALSE(c.wants_write());
  EXPECT_LT(c.held_bytes(), 64U * 1024U);
}

TEST_F(ConnectionTest, DrainAnswersCompleteRequestsAndTheErrorForAPartialFrame_Rule12_5) {
  Connection& c = open();
  const std::string partial = put_frame("partial", "x");
  feed(put_frame("a", "1") + get_frame("a") + partial.substr(0, 9));
  c.begin_drain();
  EXPECT_TRUE(c.wants_read()) << "a draining connection reads what has arrived";
  c.on_input_drained(t0_);
  EXPECT_FALSE(c.wants_read());
  const auto out = responses();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(is_hit(out[1], "a", "1"));
  EXPECT_TRUE(is_error(out[2])) << "the partial frame is answered with the error response";
  EXPECT_EQ(test::stored_value(store_, "partial"), std::nullopt);
  ASSERT_TRUE(c.wants_write_shutdown());
  c.on_write_shutdown(t0_);
  EXPECT_FALSE(c.should_close(t0_));
  EXPECT_TRUE(c.wants_acknowledgement());
  c.on_output_acknowledged();
  EXPECT_TRUE(c.should_close(t0_)) << "everything acknowledged: closing loses nothing";
}

TEST_F(ConnectionTest, DrainOnAFrameBoundarySendsNoErrorResponse_Rule12_5) {
  Connection& c = open();
  feed(put_frame("a", "1"));
  c.begin_drain();
  c.on_input_drained(t0_);
  const auto out = responses();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(c.wants_write_shutdown());
}

TEST_F(ConnectionTest, LingeringAfterADrainEndsWithinTheCloseDelay_Rule12_5) {
  ConnectionOptions options;
  options.error_close_delay = 800ms;
  Connection& c = open(options);
  c.begin_drain();
  c.on_input_drained(t0_);
  EXPECT_EQ(c.deadline(), t0_ + options.idle_timeout) << "no close deadline before the FIN";
  c.on_write_shutdown(t0_ + 1s);
  EXPECT_FALSE(c.should_close(t0_ + 1799ms));
  EXPECT_TRUE(c.should_close(t0_ + 1800ms));
}

TEST_F(ConnectionTest, ErrorResponseIsSentEvenUnderATinyMaximum) {
  ConnectionOptions options;
  options.max_frame_len = kMinFrameLen;
  open(options);
  feed(raw_frame(""));  // Kind 0 request, answered with 7 bytes of LEN.
  const auto out = responses();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_TRUE(is_error(out[0]));
}

}  // namespace
}  // namespace kv
