// Frames and expected responses for the server integration tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/message.h"

namespace kv::test {

// The wire bytes of one frame holding `message`.
std::string frame_of(const Message& message);
std::string put_frame(std::string_view key, std::string_view value);
std::string get_frame(std::string_view key);
// A request of `kind` with a key and a value, for kinds the server rejects.
std::string kind_frame(std::uint32_t kind, std::string_view key, std::string_view value);
// A well-framed frame whose BODY is `body`, taken as is.
std::string raw_frame(std::string_view body);
// Only the four header bytes of a frame that claims LEN = `len`.
std::string header_only(std::uint32_t len);
// `frame` with its last footer byte replaced, so that its footer is bad.
std::string with_bad_footer(std::string frame);

// The responses the server must send (SPEC 5.1, 5.2, 5.3, 5.6, 6.4).
Message put_ack();
Message get_hit(std::string_view key, std::string_view value);
Message get_miss(std::string_view key);
Message not_ok(std::uint32_t kind);

// True when the four fields of `a` and `b` are equal.
bool same_message(const Message& a, const Message& b);
// A one-line, printable rendering of `message`.
std::string describe(const Message& message);

}  // namespace kv::test
