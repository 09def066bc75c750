// Round-trip fuzz target: the input describes a message (key, value, kind,
// status) and an encoder maximum. The message is framed with encode_frame
// and decoded again; any difference aborts.
//  - A frame above the maximum must be refused, leaving the output empty.
//  - Otherwise the frame must be LEN | BODY | "@EOF@" with LEN = BODY + 5
//    (SPEC 2.1-2.3) and must decode to exactly one event.
//  - With valid UTF-8 in key and value, that event is the same message.
//    With invalid UTF-8 in either, it is a bad body (SPEC 4.3).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "codec/frame_encoder.h"
#include "codec/message.h"
#include "fuzz/decode_events.h"
#include "fuzz/utf8.h"

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

void check_decoded(const kv::fuzz::DecodeEvents& events, const kv::Message& sent,
                   std::uint32_t len) {
  check(events.size() == 2, "event count");
  check(events[1].status == kv::DecodeStatus::kNeedMore, "clean end after the frame");
  check(events[0].offset == 0 && events[0].len == len, "frame offset and LEN");
  if (!kv::fuzz::is_valid_utf8(sent.key()) || !kv::fuzz::is_valid_utf8(sent.value())) {
    check(events[0].status == kv::DecodeStatus::kBadBody, "invalid UTF-8 must be a bad body");
    return;
  }
  check(events[0].status == kv::DecodeStatus::kFrame, "valid message must decode");
  kv::Message received;
  check(received.ParseFromString(events[0].message), "reparse of the decoded message");
  check(received.key() == sent.key(), "key");
  check(received.value() == sent.value(), "value");
  check(received.kind() == sent.kind(), "kind");
  check(received.status() == sent.status(), "status");
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
  check_decoded(kv::fuzz::decode_whole(out.readable(), options), sent, len);
  return 0;
}
