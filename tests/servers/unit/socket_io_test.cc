// The socket helpers, over a local socket pair and a loopback listener.
#include "net/socket_io.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <sstream>
#include <string>

#include "net/buffer_io.h"
#include "net/listen.h"
#include "net/socket_options.h"
#include "servers/acceptor.h"

namespace kv {
namespace {

struct SocketPair {
  SocketPair() {
    int fds[2] = {-1, -1};
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
  net::UniqueFd a;
  net::UniqueFd b;
};

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(SocketIoTest, WriteSomeThenReadIntoMovesTheBytes) {
  SocketPair pair;
  const net::IoResult written = net::send_some(pair.a.get(), bytes_of("hello"));
  ASSERT_EQ(written.status, net::IoStatus::kTransferred);
  EXPECT_EQ(written.bytes, 5U);
  Buffer buffer;
  const net::IoResult read = net::read_into(pair.b.get(), buffer);
  ASSERT_EQ(read.status, net::IoStatus::kTransferred);
  EXPECT_EQ(read.bytes, 5U);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.peek()), buffer.readable_bytes()),
            "hello");
}

TEST(SocketIoTest, TransfersShorterThanOfferedArePartial) {
  SocketPair pair;
  ASSERT_FALSE(net::set_blocking_mode(pair.a.get(), net::BlockingMode::kNonBlocking));
  const net::IoResult small = net::send_some(pair.a.get(), bytes_of("hello"));
  ASSERT_EQ(small.status, net::IoStatus::kTransferred);
  EXPECT_FALSE(small.partial) << "every byte offered was written";
  const std::string huge(std::size_t{64} * 1024 * 1024, 'x');
  const net::IoResult big = net::send_some(pair.a.get(), bytes_of(huge));
  ASSERT_EQ(big.status, net::IoStatus::kTransferred);
  EXPECT_LT(big.bytes, huge.size());
  EXPECT_TRUE(big.partial) << "the socket's send buffer filled up";

  // An empty buffer offers no space of its own: one read takes exactly the
  // 64 KiB of its stack buffer, which is everything it offered.
  ASSERT_GT(big.bytes, 64U * 1024U);
  Buffer buffer;
  const net::IoResult read = net::read_into(pair.b.get(), buffer);
  ASSERT_EQ(read.status, net::IoStatus::kTransferred);
  EXPECT_EQ(read.bytes, 64U * 1024U);
  EXPECT_FALSE(read.partial);
}

TEST(SocketIoTest, ReadOfLessThanTheSpaceOfferedIsPartial) {
  SocketPair pair;
  ASSERT_EQ(net::send_some(pair.a.get(), bytes_of("hello")).status, net::IoStatus::kTransferred);
  Buffer buffer;
  const net::IoResult read = net::read_into(pair.b.get(), buffer);
  ASSERT_EQ(read.status, net::IoStatus::kTransferred);
  EXPECT_EQ(read.bytes, 5U);
  EXPECT_TRUE(read.partial);
}

TEST(SocketIoTest, ReadLargerThanTheBufferSpaceKeepsEveryByte) {
  SocketPair pair;
  std::string payload(100000, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);
  std::size_t sent = 0;
  Buffer buffer;
  while (buffer.readable_bytes() < payload.size()) {
    if (sent < payload.size()) {
      const net::IoResult w = net::send_some(pair.a.get(), bytes_of(payload).subspan(sent));
      ASSERT_EQ(w.status, net::IoStatus::kTransferred);
      sent += w.bytes;
    }
    ASSERT_EQ(net::read_into(pair.b.get(), buffer).status, net::IoStatus::kTransferred);
  }
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.peek()), buffer.readable_bytes()),
            payload);
}

TEST(SocketIoTest, NonBlockingReadOfNothingWouldBlockAndAllocatesNothing) {
  SocketPair pair;
  ASSERT_FALSE(net::set_blocking_mode(pair.b.get(), net::BlockingMode::kNonBlocking));
  Buffer buffer;
  EXPECT_EQ(net::read_into(pair.b.get(), buffer).status, net::IoStatus::kWouldBlock);
  EXPECT_EQ(buffer.capacity(), 0U);
}

TEST(SocketIoTest, BlockingReadTimesOutAsWouldBlock) {
  SocketPair pair;
  ASSERT_FALSE(net::set_io_timeout(pair.b.get(), std::chrono::milliseconds(20)));
  Buffer buffer;
  EXPECT_EQ(net::read_into(pair.b.get(), buffer).status, net::IoStatus::kWouldBlock);
}

TEST(SocketIoTest, ReadAfterThePeerShutsDownSendingIsEof) {
  SocketPair pair;
  ASSERT_FALSE(net::shutdown_send(pair.a.get()));
  Buffer buffer;
  EXPECT_EQ(net::read_into(pair.b.get(), buffer).status, net::IoStatus::kEof);
}

TEST(SocketIoTest, WriteToAClosedPeerFailsWithoutSigpipe) {
  SocketPair pair;
  pair.b.reset();
  const net::IoResult result = net::send_some(pair.a.get(), bytes_of("x"));
  EXPECT_EQ(result.status, net::IoStatus::kFailed);
  EXPECT_EQ(result.error, std::errc::broken_pipe);
}

TEST(SocketIoTest, ListenOnPortZeroPicksAPortAndAccepts) {
  net::UniqueFd listener;
  ASSERT_FALSE(net::listen_tcp("127.0.0.1", 0, listener));
  ASSERT_FALSE(net::set_blocking_mode(listener.get(), net::BlockingMode::kNonBlocking));
  std::uint16_t port = 0;
  ASSERT_FALSE(net::local_port(listener.get(), port));
  EXPECT_NE(port, 0);

  std::ostringstream log_text;
  ServerLog log(log_text);
  Acceptor acceptor(listener.get(), log);
  net::UniqueFd accepted;
  std::error_code error;
  EXPECT_EQ(acceptor.accept(accepted, error), AcceptStatus::kWouldBlock);

  net::UniqueFd second;
  EXPECT_TRUE(net::listen_tcp("127.0.0.1", port, second)) << "the port is in use";
}

TEST(SocketIoTest, ListenOnAnInvalidHostFails) {
  net::UniqueFd listener;
  EXPECT_TRUE(net::listen_tcp("not an address", 0, listener));
  EXPECT_FALSE(listener.valid());
}

}  // namespace
}  // namespace kv
