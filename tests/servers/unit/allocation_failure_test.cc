// Running out of memory on one connection closes that connection only,
// with the error response (SPEC 12.1). The allocator of this test binary
// fails large allocations on demand (failing_allocator.h); the sessions
// run over socket pairs, exactly as the server models drive them.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/socket_options.h"
#include "servers/blocking_session.h"
#include "servers/connection.h"
#include "servers/connection_registry.h"
#include "servers/nonblocking_session.h"
#include "tests/servers/support/test_frames.h"
#include "tests/servers/unit/failing_allocator.h"
#include "tests/servers/unit/store_lookup.h"

namespace kv {
namespace {

using namespace std::chrono_literals;
using test::FailLargeAllocations;
using test::get_frame;
using test::header;
using test::is_error;
using test::is_hit;
using test::is_put_ack;
using test::put_frame;
using Clock = Connection::Clock;

constexpr std::size_t kFailFrom = 256 * 1024;

// A connected pair: `server` for the session, `client` blocking with a
// receive timeout, so that a broken session fails the test instead of
// hanging it.
struct SocketPair {
  SocketPair() {
    int fds[2] = {-1, -1};
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    server.reset(fds[0]);
    client.reset(fds[1]);
    timeval timeout{5, 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  net::UniqueFd server;
  net::UniqueFd client;
};

// Reads from `fd` until EOF (or an error, or the timeout) and decodes it.
std::vector<Message> read_to_eof(int fd) {
  std::string bytes;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  return test::decode_all(bytes);
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

class AllocationFailureTest : public ::testing::Test {
 protected:
  std::ostringstream log_text_;
  ServerLog log_{log_text_};
  ConnectionRegistry registry_{RegistryLimits{}, log_};
  Store store_;
  RequestHandler handler_{store_};
};

// Drives a non-blocking session over `pair` with `stream` sent in pieces
// while `fail` is in force; returns every response the client then read.
std::vector<Message> pump_nonblocking(SocketPair& pair, Connection& connection,
                                      std::string_view stream) {
  EXPECT_FALSE(net::set_blocking_mode(pair.server.get(), net::BlockingMode::kNonBlocking));
  const int fd = pair.server.get();
  bool closed = false;
  for (std::size_t at = 0; at < stream.size() && !closed; at += 32 * 1024) {
    EXPECT_TRUE(send_all(pair.client.get(), stream.substr(at, 32 * 1024)));
    for (int round = 0; round < 8 && !closed; ++round)
      closed = pump_connection(fd, connection).close;
  }
  // The client has sent everything: it closes its side, so the lingering
  // close ends at once.
  ::shutdown(pair.client.get(), SHUT_WR);
  for (int round = 0; round < 100 && !closed; ++round) {
    closed = pump_connection(fd, connection).close;
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(closed) << "the connection closes";
  pair.server.reset();
  return read_to_eof(pair.client.get());
}

TEST_F(AllocationFailureTest, AFrameThatCannotBeBufferedClosesOnlyItsConnection_Rule12_1) {
  SocketPair attacked;
  SocketPair other;
  Connection victim(handler_, ConnectionOptions{}, Clock::now(), registry_.admit(Clock::now()));
  Connection bystander(handler_, ConnectionOptions{}, Clock::now(), registry_.admit(Clock::now()));
  const std::string stream =
      put_frame("before", "1") + header(kDefaultMaxFrameLen) + std::string(1024 * 1024, 'x');
  std::vector<Message> out;
  std::vector<Message> other_out;
  {
    const FailLargeAllocations fail(kFailFrom);
    out = pump_nonblocking(attacked, victim, stream);
    EXPECT_GE(fail.failures(), 1U) << "the input buffer's growth failed";
    other_out = pump_nonblocking(other, bystander, put_frame("other", "2") + get_frame("before"));
  }
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_put_ack(out[0])) << "the complete request before it is answered";
  EXPECT_TRUE(is_error(out[1])) << "the frame that could not be stored gets the error response";
  ASSERT_EQ(other_out.size(), 2U) << "the other connection is served as before";
  EXPECT_TRUE(is_put_ack(other_out[0]));
  EXPECT_TRUE(is_hit(other_out[1], "before", "1"));
  EXPECT_EQ(log_.total(ConnectionEvent::kOutOfMemory), 1U);
}

TEST_F(AllocationFailureTest, AResponseThatCannotBeBuiltIsAnsweredWithTheErrorResponse_Rule12_1) {
  const std::string big(1024 * 1024, 'b');
  store_.put("big", big);
  SocketPair pair;
  Connection connection(handler_, ConnectionOptions{}, Clock::now(), registry_.admit(Clock::now()));
  std::vector<Message> out;
  {
    const FailLargeAllocations fail(kFailFrom);
    out =
        pump_nonblocking(pair, connection, put_frame("x", "1") + get_frame("big") + get_frame("x"));
    EXPECT_GE(fail.failures(), 1U) << "copying the value into the response failed";
  }
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(is_error(out[1])) << "in place of the GET that could not be answered";
  EXPECT_EQ(test::stored_value(store_, "big"), big) << "the store is intact";
  EXPECT_EQ(test::stored_value(store_, "x"), "1");
}

TEST_F(AllocationFailureTest, TheBlockingSessionClosesOnlyItsConnection_Rule12_1) {
  StopSignal stop;
  const Shutdown shutdown(stop, 3000ms);
  net::UniqueFd no_listener;
  const ServerOptions options;
  const ServerContext context{no_listener, options, handler_, shutdown, registry_};
  SocketPair pair;
  const std::string stream =
      put_frame("before", "1") + header(kDefaultMaxFrameLen) + std::string(1024 * 1024, 'x');
  std::vector<Message> out;
  {
    const FailLargeAllocations fail(kFailFrom);
    std::thread session([&] {
      serve_blocking_connection(std::move(pair.server), registry_.admit(Clock::now()), context);
    });
    // The session stops reading once it fails; the rest of the stream may
    // then not be taken, which is fine.
    send_all(pair.client.get(), stream);
    ::shutdown(pair.client.get(), SHUT_WR);
    out = read_to_eof(pair.client.get());
    session.join();
    EXPECT_GE(fail.failures(), 1U);
  }
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(is_put_ack(out[0]));
  EXPECT_TRUE(is_error(out[1]));
  EXPECT_EQ(log_.total(ConnectionEvent::kOutOfMemory), 1U);
  EXPECT_EQ(registry_.open_connections(), 0U);
}

TEST(FailingAllocatorTest, FailsOnlyLargeAllocationsAndOnlyInItsScope) {
  {
    const FailLargeAllocations fail(1024);
    EXPECT_THROW(std::string(4096, 'x'), std::bad_alloc);
    EXPECT_NO_THROW(std::string(100, 'x'));
    EXPECT_EQ(fail.failures(), 1U);
  }
  EXPECT_NO_THROW(std::string(4096, 'x'));
}

}  // namespace
}  // namespace kv
