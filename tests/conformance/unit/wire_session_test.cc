// WireSession::read_frame's timeout: a frame whose bytes keep arriving is
// waited for (a correct server may write a large response slowly, SPEC
// 7.3), up to kSteadyFrameFactor times the timeout; a frame that stalls
// times out after the timeout. The server side is a plain socket written
// from a thread of the test, on 127.0.0.1.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/wire/wire_session.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using tcp = asio::ip::tcp;

// One response frame of about 600 bytes.
std::string large_frame() { return encode_frame_to_string(make_get_hit("k", std::string(600, 'v'))); }

// Accepts one connection on 127.0.0.1 and hands its descriptor to `serve`,
// on a thread of its own; the descriptor is closed when `serve` returns.
// `serve` must return once a write fails (the client has gone).
class OneConnectionServer {
 public:
  explicit OneConnectionServer(std::function<void(int)> serve) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), size), 0);
    EXPECT_EQ(::listen(listener_, 1), 0);
    EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size), 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, serve = std::move(serve)] {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      serve(fd);
      ::close(fd);
    });
  }
  ~OneConnectionServer() {
    thread_.join();
    ::close(listener_);
  }
  unsigned short port() const { return port_; }

 private:
  int listener_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
};

// Writes `bytes` in pieces of `piece` bytes, `gap` apart; stops early if
// a write fails. Returns whether every byte was written.
bool drip(int fd, const std::string& bytes, std::size_t piece, milliseconds gap) {
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::size_t n = std::min(piece, bytes.size() - at);
    if (::send(fd, bytes.data() + at, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n)) return false;
    std::this_thread::sleep_for(gap);
  }
  return true;
}

// Connects to `port`, reads one frame with `timeout`, and closes.
ReadEvent read_one(unsigned short port, milliseconds timeout) {
  asio::io_context io;
  WireLog log;
  ReadEvent result;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        ConnectResult connected = co_await WireSession::connect(
            tcp::endpoint(asio::ip::address_v4::loopback(), port), log, 1, milliseconds(5000),
            1 << 20);
        if (!connected.session) {
          result.detail = "could not connect: " + connected.error;
          co_return;
        }
        result = co_await connected.session->read_frame(timeout);
        connected.session->close();
      },
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  io.run();
  return result;
}

TEST(WireSession, WaitsForAFrameWhoseBytesKeepComingPastItsTimeout) {
  const std::string frame = large_frame();
  // 600 bytes, 50 at a time every 60 ms: about 0.7 s in all, more than the
  // timeout of 400 ms, and far less than 4 times it.
  OneConnectionServer server([&](int fd) { drip(fd, frame, 50, milliseconds(60)); });
  const ReadEvent event = read_one(server.port(), milliseconds(400));
  EXPECT_EQ(event.kind, ReadEventKind::kFrame) << event.detail;
  EXPECT_EQ(event.message.value(), std::string(600, 'v'));
}

TEST(WireSession, TimesOutAFrameThatStalls) {
  const std::string frame = large_frame();
  std::atomic<bool> done{false};
  OneConnectionServer server([&](int fd) {
    // Half the frame, then nothing until the client has given up.
    drip(fd, frame.substr(0, frame.size() / 2), frame.size(), milliseconds(0));
    for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(milliseconds(10));
  });
  const ReadEvent event = read_one(server.port(), milliseconds(200));
  done = true;
  EXPECT_EQ(event.kind, ReadEventKind::kTimeout);
  EXPECT_EQ(event.detail.find("kept coming"), std::string::npos) << event.detail;
}

TEST(WireSession, GivesUpOnAFrameThatKeepsComingForFourTimesItsTimeout) {
  // A byte every 10 ms: 600 bytes would take 6 s, past 4 x 200 ms.
  const std::string frame = large_frame();
  OneConnectionServer server([&](int fd) { drip(fd, frame, 1, milliseconds(10)); });
  const ReadEvent event = read_one(server.port(), milliseconds(200));
  EXPECT_EQ(event.kind, ReadEventKind::kTimeout);
  EXPECT_NE(event.detail.find("kept coming"), std::string::npos) << event.detail;
}

}  // namespace
}  // namespace kv
