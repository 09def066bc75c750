// Decoding helpers shared by the fuzz targets: a whole stream is decoded
// into a list of events, either fed at once or fed in chunks, so that two
// decodings of the same stream can be compared (SPEC 2.5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "codec/frame_decoder.h"

namespace kv::fuzz {

// The largest LEN the fuzz targets accept by default: small enough that
// libFuzzer reaches LEN values on both sides of it (SPEC 3.1, 3.2).
inline constexpr std::uint32_t kFuzzMaxFrameLen = 1024U * 1024U;

// One result reported by the decoder. `message` holds the serialized
// message for kFrame and is empty otherwise.
struct DecodeEvent {
  DecodeStatus status = DecodeStatus::kNeedMore;
  FrameError error = FrameError::kBadBody;
  std::uint64_t offset = 0;
  std::uint32_t len = 0;
  std::string message;

  bool operator==(const DecodeEvent&) const = default;
};

// Every frame, bad body and framing error of `stream`, in order, followed
// by the result of finish(): kNeedMore for a clean end, or the framing
// error (truncation included) that stopped the decoder.
using DecodeEvents = std::vector<DecodeEvent>;

// Decodes `stream` fed to the decoder in one piece.
DecodeEvents decode_whole(std::span<const std::uint8_t> stream, DecoderOptions options);

// Decodes `stream` fed in pieces whose sizes are taken from `chunk_sizes`
// in turn, cycling through the list; an empty list (or a zero size) feeds
// one byte at a time. Feeding stops once the decoder has failed.
DecodeEvents decode_chunked(std::span<const std::uint8_t> stream,
                            std::span<const std::size_t> chunk_sizes, DecoderOptions options);

// A one-line human-readable rendering of `events`, for crash reports.
std::string describe(const DecodeEvents& events);

}  // namespace kv::fuzz
