// The integration tests' view of a connection: kv::FrameConnection (the
// client library's) plus assertions that say what the server did wrong.
//
// Every method is bounded in time; failures come back as
// ::testing::AssertionResult so that tests can ASSERT or EXPECT on them.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/frame_connection.h"
#include "codec/message.h"

namespace kv::test {

using std::chrono::milliseconds;

// How long a server may take to answer a request: generous, for loaded
// 2-core machines and sanitizer builds. Only an upper bound is checked.
inline constexpr milliseconds kAnswerTimeout{5000};
// How long a client waits for a close that SPEC 6.1 requires within 1 s.
inline constexpr milliseconds kCloseTimeout{1500};

class TestClient {
 public:
  // Connects to 127.0.0.1:`port`; check connected() before use.
  explicit TestClient(std::uint16_t port, ConnectOptions options = {});

  ::testing::AssertionResult connected() const;

  ::testing::AssertionResult send(std::string_view bytes);
  // Sends `bytes` in pieces of `piece_bytes`, pausing `pause` after each.
  ::testing::AssertionResult send_in_pieces(std::string_view bytes, std::size_t piece_bytes,
                                            milliseconds pause);
  ::testing::AssertionResult shutdown_send();

  // Receives the next response into `message`.
  ::testing::AssertionResult receive(Message& message, milliseconds timeout = kAnswerTimeout);
  // Receives the next response and compares it with `expected`.
  ::testing::AssertionResult expect(const Message& expected, milliseconds timeout = kAnswerTimeout);
  // Passes when nothing at all arrives within `wait` (the connection stays
  // open and silent).
  ::testing::AssertionResult expect_silence(milliseconds wait);
  // Passes when the server closes (or resets) the connection within
  // `timeout` without sending anything more.
  ::testing::AssertionResult expect_closed(milliseconds timeout = kCloseTimeout);
  // Passes when the server sends at most one {kind: 0, status: NotOk} and
  // then closes, all within `timeout` (SPEC 6.1).
  ::testing::AssertionResult expect_error_then_closed(milliseconds timeout = kCloseTimeout);

  // Round trips: send the request, then expect its response.
  ::testing::AssertionResult put(std::string_view key, std::string_view value);
  ::testing::AssertionResult make_get_hit(std::string_view key, std::string_view value);
  ::testing::AssertionResult make_get_miss(std::string_view key);

  // Closes the connection.
  void close() { client_.close(); }

  // For tests that send on one thread while they receive on another.
  FrameConnection& raw() { return client_; }

 private:
  // Receives once, within `timeout`, and passes when the receive ends with
  // `wanted`; otherwise says it `expected` (a phrase) and what came instead.
  ::testing::AssertionResult expect_receive_status(ReceiveStatus wanted, milliseconds timeout,
                                                   const std::string& expected);

  FrameConnection client_;
  std::error_code connect_error_;
};

}  // namespace kv::test
