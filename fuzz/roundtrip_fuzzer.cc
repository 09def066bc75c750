// Round-trip fuzz target: the input describes a message (key, value, kind,
// status) and an encoder maximum. The message is framed with encode_frame
// and decoded again; any difference aborts.
//  - A frame above the maximum must be refused, leaving the output empty.
//  - Otherwise the frame must be LEN | BODY | "@EOF@" with LEN = BODY + 5
//    (SPEC 2.1-2.3) and must decode to exactly one event.
//  - With valid UTF-8 in key and value, that event is the same message.
//    With invalid UTF-8 in either, it is a bad body (SPEC 4.3). Both body
//    parsers, protobuf's and the view parser, must say so.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "codec/decoded_stream.h"
#include "codec/frame_encoder.h"
#include "codec/message.h"
#include "codec/utf8.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "roundtrip mismatch: %s\n", what);
  __builtin_trap();
}

void check(bool condition, const char* what) {
  if (!condition) fail(what);
}

kv::Message consume_message(FuzzedDataProvider& provider) {
  kv::Message message;
  message.set_key(provider.ConsumeRandomLengthString());
  message.set_value(provider.ConsumeRandomLengthString());
  message.set_kind(provider.ConsumeIntegral<std::uint32_t>());
  // Proto3 enums are open: any int32 is a legal status value (SPEC 4.2).
  message.set_status(static_cast<kv::Status>(provider.ConsumeIntegral<std::int32_t>()));
  return message;
}

void check_frame_layout(std::span<const std::uint8_t> frame, std::size_t body_bytes) {
  check(frame.size() == kv::kHeaderBytes + body_bytes + kv::kFooterBytes, "frame size");
  check(kv::read_frame_len(frame.data()) == body_bytes + kv::kFooterBytes, "LEN");
  check(std::equal(kv::kFooter.begin(), kv::kFooter.end(), frame.end() - kv::kFooterBytes),
        "footer");
}

// The frame must decode, with either body parser, to exactly one event and
// a clean end.
void check_decoded(const kv::StreamEvents& events, const kv::Message& sent, std::uint32_t len) {
  check(events.size() == 1, "one event and a clean end");
  const kv::StreamEvent& event = events[0];
  check(event.offset == 0 && event.len == len, "frame offset and LEN");
  if (!kv::is_valid_utf8(sent.key()) || !kv::is_valid_utf8(sent.value())) {
    check(event.error == kv::FrameError::kBadBody, "invalid UTF-8 must be a bad body");
    return;
  }
  check(event.is_frame(), "valid message must decode");
  check(event.message == kv::fields_of(sent), "decoded fields");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  kv::silence_protobuf_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const std::uint32_t max_frame_len =
      provider.ConsumeIntegralInRange<std::uint32_t>(0, kv::kDefaultMaxFrameLen);
  const kv::Message sent = consume_message(provider);

  kv::Buffer out;
  const std::error_code error = kv::encode_frame(sent, out, max_frame_len);
  const std::size_t body_bytes = sent.ByteSizeLong();
  if (max_frame_len < kv::kMinFrameLen || body_bytes > max_frame_len - kv::kFooterBytes) {
    check(error == kv::FrameError::kLengthTooLarge, "oversized frame must be refused");
    check(out.empty(), "a refused frame must leave the output unchanged");
    return 0;
  }
  check(!error, "encode_frame failed below the maximum");
  check_frame_layout(out.readable(), body_bytes);

  const kv::DecoderOptions options{max_frame_len};
  const auto len = static_cast<std::uint32_t>(body_bytes + kv::kFooterBytes);
  check_decoded(kv::decode_stream(out.readable(), {}, options), sent, len);
  check_decoded(kv::decode_stream(out.readable(), {}, options, kv::BodyParser::kView), sent, len);
  return 0;
}
