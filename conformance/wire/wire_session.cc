#include "conformance/wire/wire_session.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>

#include "codec/frame_format.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/wire_log.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

static std::uint32_t response_max(std::uint32_t max_frame_bytes) {
  const std::uint64_t with_slack =
      static_cast<std::uint64_t>(max_frame_bytes) + WireSession::kResponseSlack;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(with_slack, kMaxConfigurableFrameLen));
}

WireSession::WireSession(tcp::socket socket, WireLog& log, int id, std::uint32_t max_frame_bytes)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      log_(log),
      id_(id),
      decoder_(DecoderOptions{response_max(max_frame_bytes)}) {}

WireSession::~WireSession() {
  if (!closed_) {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
}

asio::awaitable<ConnectResult> WireSession::connect(const tcp::endpoint& to, WireLog& log, int id,
                                                    std::chrono::milliseconds timeout,
                                                    std::uint32_t max_frame_bytes) {
  const auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  asio::steady_timer timer(executor);
  timer.expires_after(timeout);
  auto outcome = co_await (socket.async_connect(to, kTuple) || timer.async_wait(kTuple));
  ConnectResult result;
  if (outcome.index() == 1) {
    result.error = fmt::format("connect to {}:{} timed out after {} ms", to.address().to_string(),
                               to.port(), timeout.count());
  } else if (const auto [ec] = std::get<0>(outcome); ec) {
    result.error = fmt::format("connect to {}:{} failed: {}", to.address().to_string(), to.port(),
                               ec.message());
    result.code = std::error_code(ec.value(), std::system_category());
  }
  if (!result.error.empty()) {
    log.info(id, result.error);
    co_return result;
  }
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  log.info(id, fmt::format("connected from local port {}", socket.local_endpoint(ec).port()));
  result.session = std::make_unique<WireSession>(std::move(socket), log, id, max_frame_bytes);
  co_return result;
}

asio::awaitable<void> WireSession::sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer gap(socket_.get_executor());
  gap.expires_after(duration);
  co_await gap.async_wait(kTuple);
}

asio::awaitable<Check> WireSession::write_planned(std::string_view bytes,
                                                  const StreamShape& shape) {
  const std::vector<std::size_t> sizes = plan_writes(shape, bytes.size());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0 && shape.gap.count() > 0) co_await sleep_for(shape.gap);
    const auto [ec, n] =
        co_await asio::async_write(socket_, asio::buffer(bytes.data() + offset, sizes[i]), kTuple);
    log_.sent(id_, {reinterpret_cast<const std::uint8_t*>(bytes.data()) + offset, n});
    offset += n;
    if (ec) {
      const std::string what =
          ec == asio::error::broken_pipe || ec == asio::error::connection_reset
              ? fmt::format("the server closed the connection after {} of {} bytes were sent ({})",
                            offset, bytes.size(), ec.message())
              : fmt::format("send failed after {} of {} bytes: {}", offset, bytes.size(),
                            ec.message());
      log_.closed(id_, what);
      co_return fail_verdict(fmt::format("the server reads all {} bytes sent", bytes.size()), what);
    }
  }
  co_return std::nullopt;
}

asio::awaitable<Check> WireSession::send(std::string_view bytes, const StreamShape& shape,
                                         std::chrono::milliseconds timeout) {
  asio::steady_timer deadline(socket_.get_executor());
  deadline.expires_after(timeout);
  auto outcome = co_await (write_planned(bytes, shape) || deadline.async_wait(kTuple));
  if (outcome.index() == 1) {
    const std::string what = fmt::format(
        "the writes did not finish within {} ms: the server stopped reading", timeout.count());
    log_.info(id_, what);
    co_return fail_verdict(fmt::format("the server reads all {} bytes sent", bytes.size()), what);
  }
  co_return std::get<0>(std::move(outcome));
}

asio::awaitable<Check> WireSession::send(std::string_view bytes,
                                         std::chrono::milliseconds timeout) {
  co_return co_await send(bytes, StreamShape::whole(), timeout);
}

ReadEvent WireSession::end_of_stream(ReadEventKind kind, std::string detail) {
  ended_ = true;
  ended_at_ = std::chrono::steady_clock::now();
  end_event_.kind = kind;
  end_event_.detail = std::move(detail) + " after " + progress();
  log_.closed(id_, describe_event(end_event_));
  return end_event_;
}

asio::awaitable<ReadEvent> WireSession::read_frame(std::chrono::milliseconds timeout) {
  static constexpr std::size_t kReadChunk = 64 * 1024;
  const auto started = std::chrono::steady_clock::now();
  const auto latest = started + kSteadyFrameFactor * timeout;
  timer_.expires_at(started + timeout);
  for (;;) {
    ReadEvent event;
    // The next frame's bytes, copied only when the frame is whole and at
    // most kMaxRawBytes: next() consumes them.
    std::string raw;
    const std::span<const std::uint8_t> pending = decoder_.input().readable();
    if (pending.size() >= kHeaderBytes) {
      const std::size_t frame_bytes =
          kHeaderBytes + static_cast<std::size_t>(read_frame_len(pending.data()));
      if (frame_bytes <= std::min(pending.size(), kMaxRawBytes)) {
        raw.assign(reinterpret_cast<const char*>(pending.data()), frame_bytes);
      }
    }
    const DecodeResult r = decoder_.next(event.message);
    if (r.status == DecodeStatus::kFrame) {
      ++frames_received_;
      event.kind = ReadEventKind::kFrame;
      event.raw = std::move(raw);
      co_return event;
    }
    if (r.status == DecodeStatus::kBadBody) {
      event.kind = ReadEventKind::kBadBody;
      event.detail = fmt::format("frame at stream offset {} with LEN {}", r.offset, r.len);
      co_return event;
    }
    if (r.status == DecodeStatus::kFramingError) {
      event.kind = ReadEventKind::kBadFrame;
      event.detail = fmt::format("{} at stream offset {} (LEN {})", frame_error_name(r.error),
                                 r.offset, r.len);
      co_return event;
    }
    if (ended_) co_return end_event_;
    if (closed_) {
      ReadEvent event;
      event.kind = ReadEventKind::kIoError;
      event.detail = "the client closed the socket";
      co_return event;
    }

    Buffer& input = decoder_.input();
    input.ensure_writable(kReadChunk);
    // Waits for readability, then reads without blocking. A read raced
    // against the timer with || can complete with bytes that are then
    // dropped when the timer's completion wins (both were queued), which
    // desynchronises the stream on a loaded machine; a wait transfers
    // nothing, and a readiness that turns out stale reads EAGAIN and
    // waits again.
    auto outcome = co_await (socket_.async_wait(tcp::socket::wait_read, kTuple) ||
                             timer_.async_wait(kTuple));
    if (outcome.index() == 1) {
      event.kind = ReadEventKind::kTimeout;
      // At `latest` the frame was still coming; before it, it stalled.
      event.detail =
          timer_.expiry() < latest
              ? fmt::format("{} ms ({})", timeout.count(), progress())
              : fmt::format("{} ms, though bytes kept coming for {} ms ({})", timeout.count(),
                            (kSteadyFrameFactor * timeout).count(), progress());
      log_.info(id_, "waited " + describe_event(event));
      co_return event;
    }
    auto [ec] = std::get<0>(outcome);
    std::size_t n = 0;
    if (!ec) {
      const ssize_t got = ::recv(socket_.native_handle(), input.write_ptr(), kReadChunk,
                                 MSG_DONTWAIT);
      if (got > 0) {
        n = static_cast<std::size_t>(got);
      } else if (got == 0) {
        ec = asio::error::eof;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        continue;
      } else {
        ec = boost::system::error_code(errno, boost::system::system_category());
      }
    }
    if (n > 0) {
      bytes_received_ += n;
      log_.received(id_, {input.write_ptr(), n});
      input.commit(n);
      last_byte_at_ = std::chrono::steady_clock::now();
      // Bytes of a frame still arriving: its timeout starts again, up to
      // `latest`.
      const auto moved = std::min(last_byte_at_ + timeout, latest);
      if (moved > timer_.expiry()) timer_.expires_at(moved);
    }
    if (ec == asio::error::eof) co_return end_of_stream(ReadEventKind::kEof, "");
    if (ec == asio::error::connection_reset) co_return end_of_stream(ReadEventKind::kReset, "");
    if (ec) co_return end_of_stream(ReadEventKind::kIoError, ec.message());
  }
}

std::string WireSession::progress() const {
  std::string text = fmt::format("{} bytes, {} whole response frames received",
                                 bytes_received_, frames_received_);
  const std::span<const std::uint8_t> partial = decoder_.input().readable();
  if (partial.empty()) return text;
  const std::size_t shown = std::min<std::size_t>(partial.size(), 16);
  const std::string head = hex_bytes({reinterpret_cast<const char*>(partial.data()), shown});
  if (partial.size() < kHeaderBytes) {
    return text + fmt::format("; then {} bytes of a header ({})", partial.size(), head);
  }
  const std::uint64_t whole = kHeaderBytes + std::uint64_t{read_frame_len(partial.data())};
  return text + fmt::format("; then {} of the {} bytes of a frame with LEN {} ({}{})",
                            partial.size(), whole, whole - kHeaderBytes, head,
                            shown < partial.size() ? " ..." : "");
}

void WireSession::shutdown_send() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  log_.closed(id_, ec ? "client half-close failed: " + ec.message()
                      : std::string("client half-closed (FIN sent)"));
}

void WireSession::reset() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.set_option(asio::socket_base::linger(true, 0), ec);
  socket_.close(ec);
  log_.closed(id_, "client reset the connection (RST)");
}

void WireSession::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
  log_.closed(id_, "client closed");
}

}  // namespace kv
