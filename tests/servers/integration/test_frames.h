// Frames for the server integration tests. Expected responses come from
// codec/message_builders.h, frame bytes from codec/frame_encoder.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/frame_encoder.h"
#include "codec/message.h"
#include "codec/message_builders.h"

namespace kv::test {

std::string put_frame(std::string_view key, std::string_view value);
std::string get_frame(std::string_view key);
// A request of `kind` with a key and a value, for kinds the server rejects.
std::string kind_frame(std::uint32_t kind, std::string_view key, std::string_view value);
// `frame` with its last footer byte replaced, so that its footer is bad.
std::string with_bad_footer(std::string frame);

// A one-line, printable rendering of `message`.
std::string describe(const Message& message);

}  // namespace kv::test
