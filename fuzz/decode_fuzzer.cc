// Fuzz target: the input is one byte stream, decoded in one piece, then
// finished. Besides crashes, sanitizer reports and allocations that grow
// with a claimed LEN (SPEC 3.3), the event list must describe the stream
// exactly: frames and bad bodies back to back from offset 0, each LEN
// within [5, max], then either a clean end exactly at the end of the input
// or one framing error that accounts for the remaining bytes (SPEC 2.3,
// 3.2, 6.5).
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "codec/decoded_stream.h"
#include "codec/message.h"

namespace {

// The largest LEN this target accepts: small enough that libFuzzer reaches
// LEN values on both sides of it (SPEC 3.1, 3.2).
constexpr std::uint32_t kFuzzMaxFrameLen = 1024U * 1024U;

void check(bool condition, const char* what, const kv::StreamEvents& events) {
  if (condition) return;
  std::fprintf(stderr, "decode invariant broken: %s\n  events: %s\n", what,
               kv::describe(events).c_str());
  __builtin_trap();
}

bool legal_len(std::uint32_t len, const kv::DecoderOptions& options) {
  return len >= kv::kMinFrameLen && len <= options.max_frame_len;
}

// Checks the framing error that ended the decoding of `size` bytes,
// `offset` being where the frames before it stopped.
void check_failure(const kv::StreamEvents& events, std::uint64_t offset, std::size_t size,
                   const kv::DecoderOptions& options) {
  const kv::StreamEvent& last = events.back();
  check(last.offset == offset, "error offset", events);
  const std::uint64_t left = size - offset;
  switch (*last.error) {
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
      check(left > 0 &&
                (left < kv::kHeaderBytes ? last.len == 0 : left < kv::kHeaderBytes + last.len),
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
  const kv::DecoderOptions options{kFuzzMaxFrameLen};
  const kv::StreamEvents events = kv::decode_stream({data, size}, {}, options);
  std::uint64_t offset = 0;
  for (const kv::StreamEvent& event : events) {
    if (event.error && kv::is_framing_error(*event.error)) {
      check(&event == &events.back(), "a framing error is not the last event", events);
      check_failure(events, offset, size, options);
      return 0;
    }
    check(event.offset == offset && legal_len(event.len, options), "frame offset or LEN", events);
    offset += kv::kHeaderBytes + event.len;
  }
  check(offset == size, "clean end before the end of the stream", events);
  return 0;
}
