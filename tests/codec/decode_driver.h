// Drives a FrameDecoder the way an I/O loop does and records its results.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "codec/frame_decoder.h"
#include "tests/codec/decode_event.h"

namespace kv::test {

// Calls next() until it returns kNeedMore or a framing error. Returns every
// result, the last one included.
std::vector<DecodeEvent> drain(FrameDecoder& decoder);

// Feeds `stream` to a new decoder in pieces split at `cuts` (ascending
// offsets within the stream), draining after every piece, and stops feeding
// once a framing error is reported. Then calls finish(). Returns every
// result of next() except kNeedMore, followed by the result of finish().
std::vector<DecodeEvent> decode_in_pieces(std::string_view stream, std::span<const std::size_t> cuts,
                                          DecoderOptions options = {});

// decode_in_pieces() with the whole stream fed at once.
std::vector<DecodeEvent> decode_at_once(std::string_view stream, DecoderOptions options = {});

}  // namespace kv::test
