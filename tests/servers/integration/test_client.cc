#include "tests/servers/integration/test_client.h"

#include <algorithm>
#include <thread>

#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

using Clock = std::chrono::steady_clock;

::testing::AssertionResult failure_of(const char* step, std::error_code error) {
  return ::testing::AssertionFailure() << step << " failed: " << error.message();
}

milliseconds left_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return std::max(left, milliseconds(0));
}

}  // namespace

TestClient::TestClient(std::uint16_t port, ConnectOptions options)
    : client_(FrameConnection::connect(Endpoint{"127.0.0.1", port}, options, connect_error_)) {}

::testing::AssertionResult TestClient::connected() const {
  if (connect_error_) return failure_of("connect", connect_error_);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestClient::send(std::string_view bytes) {
  if (const std::error_code error = client_.send(bytes, kAnswerTimeout)) {
    return failure_of("send", error);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestClient::send_in_pieces(std::string_view bytes,
                                                      std::size_t piece_bytes, milliseconds pause) {
  while (!bytes.empty()) {
    const std::size_t piece = std::min(piece_bytes, bytes.size());
    if (auto sent = send(bytes.substr(0, piece)); !sent) return sent;
    bytes.remove_prefix(piece);
    std::this_thread::sleep_for(pause);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestClient::shutdown_send() {
  if (const std::error_code error = client_.shutdown_send()) return failure_of("shutdown", error);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestClient::receive(Message& message, milliseconds timeout) {
  const ReceiveResult result = client_.receive(message, timeout);
  if (result.status == ReceiveStatus::kMessage) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected a response within " << timeout.count() << " ms, got " << describe(result);
}

::testing::AssertionResult TestClient::expect(const Message& expected, milliseconds timeout) {
  Message actual;
  if (auto received = receive(actual, timeout); !received) {
    return received << " (expected " << describe(expected) << ")";
  }
  if (!same_message(actual, expected)) {
    return ::testing::AssertionFailure()
           << "expected " << describe(expected) << ", got " << describe(actual);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestClient::expect_silence(milliseconds wait) {
  return expect_receive_status(ReceiveStatus::kTimeout, wait,
                               "nothing for " + std::to_string(wait.count()) + " ms");
}

::testing::AssertionResult TestClient::expect_closed(milliseconds timeout) {
  return expect_receive_status(
      ReceiveStatus::kClosed, timeout,
      "the server to close within " + std::to_string(timeout.count()) + " ms");
}

::testing::AssertionResult TestClient::expect_receive_status(ReceiveStatus wanted,
                                                             milliseconds timeout,
                                                             const std::string& expected) {
  Message message;
  const ReceiveResult result = client_.receive(message, timeout);
  if (result.status == wanted) return ::testing::AssertionSuccess();
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << "expected " << expected << ", got " << kv::describe(result);
  if (result.status == ReceiveStatus::kMessage) failure << ": " << describe(message);
  return failure;
}

::testing::AssertionResult TestClient::expect_error_then_closed(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Message message;
  const ReceiveResult first = client_.receive(message, timeout);
  if (first.status == ReceiveStatus::kClosed) return ::testing::AssertionSuccess();
  if (first.status != ReceiveStatus::kMessage) {
    return ::testing::AssertionFailure()
           << "expected an optional error response and a close "
           << "within " << timeout.count() << " ms, got " << kv::describe(first);
  }
  if (!same_message(message, make_unknown_kind_response(0))) {
    return ::testing::AssertionFailure()
           << "expected {kind: 0, status: NotOk} or a close, got " << describe(message);
  }
  return expect_closed(left_until(deadline));
}

::testing::AssertionResult TestClient::put(std::string_view key, std::string_view value) {
  if (auto sent = send(put_frame(key, value)); !sent) return sent;
  return expect(make_put_ack());
}

::testing::AssertionResult TestClient::make_get_hit(std::string_view key, std::string_view value) {
  if (auto sent = send(get_frame(key)); !sent) return sent;
  return expect(kv::make_get_hit(key, value));
}

::testing::AssertionResult TestClient::make_get_miss(std::string_view key) {
  if (auto sent = send(get_frame(key)); !sent) return sent;
  return expect(kv::make_get_miss(key));
}

}  // namespace kv::test
