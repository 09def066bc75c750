// Requests, expected responses and raw frames used by the cases, and the
// words that describe messages in reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/message.h"

namespace kv {

Message make_put(std::string_view key, std::string_view value);
Message make_get(std::string_view key);
Message make_put_ack();                                          // SPEC 5.1.
Message make_get_hit(std::string_view key, std::string_view value);  // SPEC 5.2.
Message make_get_miss(std::string_view key);                     // SPEC 5.3.
Message make_error_response();                                   // SPEC 6.4: {kind 0, NotOk}.
Message make_unknown_kind_response(std::uint32_t kind);          // SPEC 5.6.

// The frame bytes of `message`; the message must fit in a 2 GiB frame.
std::string frame_of(const Message& message);
// The frame bytes of an arbitrary body, taken as is.
std::string raw_frame(std::string_view body);
// A header that claims `len`, with no body.
std::string header_only(std::uint32_t len);

// Hand-built protobuf pieces, for bodies the generated code cannot write.
std::string pb_varint(std::uint64_t value);
std::size_t pb_varint_size(std::uint64_t value);
std::string pb_varint_field(std::uint32_t field, std::uint64_t value);
std::string pb_bytes_field(std::uint32_t field, std::string_view bytes);

bool same_message(const Message& a, const Message& b);
// "{key: "k", value: "v", kind: 2, status: Ok}"; long strings are cut and
// their length given; non-printable bytes are escaped.
std::string describe_message(const Message& message);
// A quoted, escaped, possibly cut string.
std::string quote_bytes(std::string_view bytes);

}  // namespace kv
