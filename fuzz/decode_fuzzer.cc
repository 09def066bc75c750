// Fuzz target: the input is one byte stream, decoded in one piece with a
// reused message, then finished. Besides crashes, sanitizer reports and
// allocations that grow with a claimed LEN (SPEC 3.3), the event list must
// describe the stream exactly: frames back to back from offset 0, each LEN
// within [5, max], and a last event that accounts for the remaining bytes
// (SPEC 2.3, 3.2, 6.5).
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "codec/message.h"
#include "fuzz/decode_events.h"

namespace {

void check(bool condition, const char* what, const kv::fuzz::DecodeEvents& events) {
  if (condition) return;
  std::fprintf(stderr, "decode invariant broken: %s\n  events: %s\n", what,
               kv::fuzz::describe(events).c_str());
  __builtin_trap();
}

bool legal_len(std::uint32_t len, const kv::DecoderOptions& options) {
  return len >= kv::kMinFrameLen && len <= options.max_frame_len;
}

// Checks the event that ended the decoding of `size` bytes, `offset` being
// where the frames before it stopped.
void check_last(const kv::fuzz::DecodeEvents& events, std::uint64_t offset, std::size_t size,
                const kv::DecoderOptions& options) {
  const kv::fuzz::DecodeEvent& last = events.back();
  if (last.status == kv::DecodeStatus::kNeedMore) {
    check(offset == size, "clean end before the end of the stream", events);
    return;
  }
  check(last.status == kv::DecodeStatus::kFramingError, "unexpected last status", events);
  check(last.offset == offset, "error offset", events);
  const std::uint64_t left = size - offset;
  switch (last.error) {
    case kv::FrameError::kLengthTooSmall:
      check(left >= kv::kHeaderBytes && last.len < kv::kMinFrameLen, "length-too-small", events);
      return;
    case kv::FrameError::kLengthTooLarge:
      check(left >= kv::kHeaderBytes && last.len > options.max_frame_len, "length-too-large",
            events);
      return;
    case kv::FrameError::kBadFooter:
      check(legal_len(last.len, options) && left >= kv::kHeaderBytes + last.len, "bad-footer",
            events);
      return;
    case kv::FrameError::kTruncated:
      check(left > 0 && (left < kv::kHeaderBytes ? last.len == 0
                                                 : left < kv::kHeaderBytes + last.len),
            "truncated", events);
      return;
    case kv::FrameError::kBadBody:
      break;
  }
  check(false, "unexpected framing error class", events);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  kv::silence_protobuf_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kv::DecoderOptions options{kv::fuzz::kFuzzMaxFrameLen};
  const kv::fuzz::DecodeEvents events = kv::fuzz::decode_whole({data, size}, options);
  check(!events.empty(), "no final event", events);
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const kv::fuzz::DecodeEvent& event = events[i];
    check(event.status == kv::DecodeStatus::kFrame || event.status == kv::DecodeStatus::kBadBody,
          "only the last event may end the stream", events);
    check(event.offset == offset && legal_len(event.len, options), "frame offset or LEN",
          events);
    offset += kv::kHeaderBytes + event.len;
  }
  check(offset <= size, "frames beyond the input", events);
  check_last(events, offset, size, options);
  return 0;
}
