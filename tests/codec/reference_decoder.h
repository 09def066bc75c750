// A whole-buffer reference decoder: the decoding rules of SPEC sections 2,
// 3 and 4 applied to all the bytes of a stream at once, written
// independently of the codec. It is the model the incremental decoder is
// checked against.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/decoded_stream.h"

namespace kv::test {

struct ReferenceDecode {
  // The whole frames and bad bodies the bytes hold, in stream order.
  StreamEvents results;
  // The framing error the bytes reveal, if any; decoding stops there.
  std::optional<StreamEvent> failure;
  // The stream offset of the first byte not decoded.
  std::uint64_t decoded_bytes = 0;
};

ReferenceDecode reference_decode(std::string_view bytes, std::uint32_t max_frame_len);

// What finish() must return once `bytes` is the whole stream and every
// result has been taken: the failure, truncation, or std::nullopt for
// kNeedMore (a clean end).
std::optional<StreamEvent> reference_finish(const ReferenceDecode& decoded, std::string_view bytes);

// The results followed by the failure or truncation, if any: what
// decode_stream() returns for `bytes`.
StreamEvents reference_events(std::string_view bytes, std::uint32_t max_frame_len);

}  // namespace kv::test
