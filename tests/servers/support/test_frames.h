// Frames and response checks shared by the servers' unit tests and their
// loopback integration tests. Requests and expected responses come from
// codec/message_builders.h, frame bytes from codec/frame_encoder.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/frame_encoder.h"
#include "codec/message.h"
#include "codec/message_builders.h"

namespace kv::test {

Message make_message(std::string_view key, std::string_view value, std::uint32_t kind);
std::string put_frame(std::string_view key, std::string_view value);
std::string get_frame(std::string_view key);
// A request of `kind` with a key and a value, for kinds the server rejects.
std::string kind_frame(std::uint32_t kind, std::string_view key = "k",
                       std::string_view value = "v");
// A frame whose BODY is `body`, taken as is.
std::string raw_frame(std::string_view body);
// Four header bytes holding `len`.
std::string header(std::uint32_t len);
// `frame` with its last footer byte replaced, so that its footer is bad.
std::string with_bad_footer(std::string frame);

// Decodes a stream of response frames; fails the current test on a framing
// error, a bad body or a trailing partial frame.
std::vector<Message> decode_all(std::string_view bytes);

// Tiny matchers over responses.
bool is_put_ack(const Message& m);
bool is_error(const Message& m);
bool is_hit(const Message& m, std::string_view key, std::string_view value);
bool is_miss(const Message& m, std::string_view key);

// A one-line, printable rendering of `message`.
std::string describe(const Message& message);

}  // namespace kv::test
