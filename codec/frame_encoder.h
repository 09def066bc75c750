// Writes frames (SPEC section 2) into a caller's Buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "buffer.h"
#include "frame_format.h"
#include "message.h"

namespace kv {

// Appends one frame holding `message` to `out`: the body is serialized
// straight into `out`'s storage, with no intermediate copy.
// Returns FrameError::kLengthTooLarge, leaving `out` unchanged, when the
// frame's LEN would exceed `max_frame_len`.
std::error_code encode_frame(const Message& message, Buffer& out,
                             std::uint32_t max_frame_len = kDefaultMaxFrameLen);

// Appends one frame whose BODY is `body`, taken as is, to `out`. Lets tests
// and the conformance runner frame bodies that are not valid messages.
// Returns FrameError::kLengthTooLarge, leaving `out` unchanged, when the
// frame's LEN would not fit in 32 bits.
std::error_code encode_raw_frame(std::span<const std::uint8_t> body, Buffer& out);

// Convenience for tests and tools: the frame bytes of `message` as a string.
// Throws std::length_error if the frame would not fit in
// kMaxConfigurableFrameLen.
std::string encode_frame_to_string(const Message& message);

// Convenience for tests and tools: the frame bytes of an arbitrary `body`,
// taken as is. Throws std::length_error if LEN would not fit in 32 bits.
std::string encode_raw_frame_to_string(std::string_view body);

// Four header bytes that claim `len`, with nothing after them.
std::string encode_header_to_string(std::uint32_t len);

}  // namespace kv
