// Frame builders and response readers for the servers' unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/message.h"

namespace kv::test {

Message make_message(std::string_view key, std::string_view value, std::uint32_t kind);
std::string put_frame(std::string_view key, std::string_view value);
std::string get_frame(std::string_view key);
std::string kind_frame(std::uint32_t kind);
// A frame whose BODY is `body`, taken as is.
std::string raw_frame(std::string_view body);
// Four header bytes holding `len`.
std::string header(std::uint32_t len);

// Decodes a stream of response frames; fails the current test on a framing
// error, a bad body or a trailing partial frame.
std::vector<Message> decode_all(std::string_view bytes);

// Tiny matchers over responses.
bool is_put_ack(const Message& m);
bool is_error(const Message& m);
bool is_hit(const Message& m, std::string_view key, std::string_view value);
bool is_miss(const Message& m, std::string_view key);

}  // namespace kv::test
