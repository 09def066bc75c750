// Hand-built protobuf bodies for the cases, and the words that describe
// messages in reports. Requests, responses and frame bytes come from the
// codec (message_builders.h, frame_encoder.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/message.h"
#include "codec/message_builders.h"

namespace kv {

// Hand-built protobuf pieces, for bodies the generated code cannot write.
std::string pb_varint(std::uint64_t value);
std::size_t pb_varint_size(std::uint64_t value);
std::string pb_varint_field(std::uint32_t field, std::uint64_t value);
std::string pb_bytes_field(std::uint32_t field, std::string_view bytes);

// "{key: "k", value: "v", kind: 2, status: Ok}"; long strings are cut and
// their length given; non-printable bytes are escaped.
std::string describe_message(const Message& message);
// A quoted, escaped, possibly cut string.
std::string quote_bytes(std::string_view bytes);

}  // namespace kv
