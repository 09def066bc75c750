// The completion models' session (asio, io-uring): while a write is in
// flight the bytes it sends must not change, so input, end of stream and
// the tick wait for its completion; reads pause at the soft limit.
#include "servers/completion_session.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "servers/connection_registry.h"
#include "servers/request_handler.h"
#include "servers/server_log.h"
#include "servers/shutdown.h"
#include "servers/stop_signal.h"
#include "servers/store.h"
#include "tests/servers/support/test_frames.h"

namespace kv {
namespace {

using namespace std::chrono_literals;
using test::decode_all;
using test::get_frame;
using test::is_hit;
using test::is_put_ack;
using test::put_frame;
using Clock = Connection::Clock;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class CompletionSessionTest : public ::testing::Test {
 protected:
  CompletionSession& open() {
    session_ = std::make_unique<CompletionSession>(context_, registry_.admit(t0_), t0_);
    return *session_;
  }

  // Completes the write in flight with all of its bytes, returning them.
  std::string complete_write(CompletionSession& session, Clock::time_point now) {
    const auto bytes = session.next_write();
    std::string sent(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    session.on_written(bytes.size(), now);
    return sent;
  }

  std::ostringstream log_text_;
  ServerLog log_{log_text_, 0ms};
  Store store_;
  RequestHandler handler_{store_};
  StopSignal stop_;
  Shutdown shutdown_{stop_, 1000ms};
  ConnectionRegistry registry_{RegistryLimits{std::size_t{64} << 20U, 16}, log_};
  net::UniqueFd listener_;
  ServerOptions options_;
  ServerContext context_{listener_, options_, handler_, shutdown_, registry_};
  Clock::time_point t0_ = Clock::now();
  std::unique_ptr<CompletionSession> session_;
};

TEST_F(CompletionSessionTest, BytesReadDuringAWriteAreDecodedOnlyOnceItCompletes) {
  CompletionSession& session = open();
  EXPECT_TRUE(session.should_read());
  EXPECT_FALSE(session.should_write());
  session.read_submitted();
  session.on_read(bytes_of(put_frame("k", "v")), t0_);
  ASSERT_TRUE(session.should_write());
  const auto in_flight = session.next_write();
  session.write_submitted();
  EXPECT_FALSE(session.should_write()) << "one write in flight at a time";

  ASSERT_TRUE(session.should_read()) << "reading goes on while the write is in flight";
  session.read_submitted();
  session.on_read(bytes_of(get_frame("k")), t0_ + 1ms);
  EXPECT_EQ(session.next_write().data(), in_flight.data()) << "the output did not move";
  EXPECT_EQ(session.next_write().size(), in_flight.size()) << "nothing was appended";

  const std::vector<Message> first = decode_all(complete_write(session, t0_ + 2ms));
  ASSERT_EQ(first.size(), 1U);
  EXPECT_TRUE(is_put_ack(first[0]));
  ASSERT_TRUE(session.should_write()) << "the GET was answered once the write completed";
  const std::vector<Message> second = decode_all(complete_write(session, t0_ + 3ms));
  ASSERT_EQ(second.size(), 1U);
  EXPECT_TRUE(is_hit(second[0], "k", "v"));
}

TEST_F(CompletionSessionTest, EndOfStreamDuringAWriteWaitsForIt) {
  CompletionSession& session = open();
  session.read_submitted();
  session.on_read(bytes_of(put_frame("a", "1") + put_frame("b", "2")), t0_);
  session.write_submitted();
  session.read_submitted();
  session.on_read(bytes_of(get_frame("a")), t0_);
  session.read_submitted();
  session.on_read_eof(t0_);
  EXPECT_FALSE(session.should_read()) << "nothing is read after the end of stream";
  EXPECT_FALSE(session.should_close(t0_)) << "the write in flight and the GET come first";
  EXPECT_EQ(decode_all(complete_write(session, t0_)).size(), 2U);
  const std::vector<Message> last = decode_all(complete_write(session, t0_));
  ASSERT_EQ(last.size(), 1U) << "the request before the end of stream is answered";
  EXPECT_TRUE(is_hit(last[0], "a", "1"));
  EXPECT_TRUE(session.should_close(t0_)) << "then the connection closes";
}

TEST_F(CompletionSessionTest, ReadsPauseAtTheSoftLimitWhileAWriteIsInFlight) {
  options_.connection.output_soft_limit = 64;
  CompletionSession& session = open();
  session.read_submitted();
  session.on_read(bytes_of(put_frame("k", "v")), t0_);
  session.write_submitted();
  session.read_submitted();
  session.on_read(bytes_of(std::string(put_frame("k", std::string(100, 'x')))), t0_);
  EXPECT_FALSE(session.should_read()) << "more than the soft limit waits undecoded";
  complete_write(session, t0_);
  EXPECT_TRUE(session.should_read()) << "decoded after the write, it may read again";
}

TEST_F(CompletionSessionTest, AFailedReadClosesTheConnectionOnceTheWriteInFlightCompletes) {
  CompletionSession& session = open();
  session.read_submitted();
  session.on_read(bytes_of(put_frame("k", "v")), t0_);
  session.write_submitted();
  session.read_submitted();
  session.on_read_failed();  // A reset, say.
  EXPECT_TRUE(session.should_close(t0_));
  EXPECT_FALSE(session.should_read());
  EXPECT_TRUE(session.in_flight()) << "the write is still in flight: the owner must wait for it";
  session.on_written(0, t0_);
  EXPECT_FALSE(session.in_flight());
}

TEST_F(CompletionSessionTest, AFailedWriteLeavesTheReadInFlight) {
  CompletionSession& session = open();
  session.read_submitted();
  session.on_read(bytes_of(put_frame("k", "v")), t0_);
  session.write_submitted();
  session.read_submitted();
  session.on_write_failed();
  EXPECT_TRUE(session.should_close(t0_));
  EXPECT_TRUE(session.read_in_flight());
  EXPECT_FALSE(session.write_in_flight());
}

}  // namespace
}  // namespace kv
