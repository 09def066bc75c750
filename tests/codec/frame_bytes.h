// Hand-built frame bytes for the codec tests. These helpers do not use the
// codec's encoder, so that decoder tests do not depend on it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "codec/buffer.h"
#include "codec/decoded_stream.h"

namespace kv::test {

// The bytes of `text`, as the decoder and the buffer take them.
std::span<const std::uint8_t> as_bytes(std::string_view text);

// `value` as four little-endian bytes (a LEN header).
std::string le32(std::uint32_t value);

// A frame with the given BODY and FOOTER; LEN is len(body) + len(footer).
std::string frame_with_footer(std::string_view body, std::string_view footer);

// A well-formed frame: LEN, `body`, then "@EOF@".
std::string raw_frame(std::string_view body);

// The readable bytes of `buffer`, copied into a string.
std::string readable_string(const Buffer& buffer);

// Lower-case hex, space separated, for failure messages.
using kv::hex;

}  // namespace kv::test
