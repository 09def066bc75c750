// Differential fuzz target: the zero-copy view path against protobuf, the
// reference (SPEC 4.1-4.5). The input is used three ways, and any
// disagreement aborts:
//  - as a message body: parse_message_view() must accept it exactly when
//    protobuf's ParseFromArray does, and read the same four fields;
//  - as a string: is_valid_utf8() must accept it exactly when protobuf
//    accepts it as the `key` of a message (SPEC 4.3);
//  - as a stream: FrameDecoder::next_view() must report the events next()
//    reports (decode_stream with each body parser).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "codec/decoded_stream.h"
#include "codec/message.h"
#include "codec/message_view.h"
#include "codec/utf8.h"

namespace {

// The largest LEN of the stream comparison: small enough that libFuzzer
// reaches LEN values on both sides of it.
constexpr std::uint32_t kFuzzMaxFrameLen = 1024U * 1024U;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "view path differs from protobuf: %s\n%s\n", what, detail.c_str());
  __builtin_trap();
}

std::string describe(const std::optional<kv::MessageFields>& fields) {
  if (!fields) return "bad body";
  std::ostringstream text;
  text << *fields;
  return text.str();
}

void compare_body(std::span<const std::uint8_t> body) {
  std::optional<kv::MessageFields> expected;
  if (kv::Message message; message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    expected = kv::fields_of(message);
  }
  std::optional<kv::MessageFields> got;
  if (const std::optional<kv::MessageView> view = kv::parse_message_view(body)) {
    got = kv::fields_of(*view);
  }
  if (got != expected) {
    fail("body", "  protobuf: " + describe(expected) + "\n  view:     " + describe(got));
  }
}

void compare_utf8(std::string_view text) {
  std::string body = "\x0a";
  for (std::size_t n = text.size();; n >>= 7) {
    body.push_back(static_cast<char>((n & 0x7FU) | (n >= 0x80 ? 0x80U : 0U)));
    if (n < 0x80) break;
  }
  body.append(text);
  kv::Message message;
  const bool expected = message.ParseFromString(body);
  if (kv::is_valid_utf8(text) != expected) {
    fail("UTF-8", std::string("  protobuf accepts the string: ") + (expected ? "yes" : "no"));
  }
}

void compare_stream(std::span<const std::uint8_t> stream) {
  const kv::DecoderOptions options{kFuzzMaxFrameLen};
  const kv::StreamEvents expected = kv::decode_stream(stream, {}, options);
  const kv::StreamEvents got = kv::decode_stream(stream, {}, options, kv::BodyParser::kView);
  if (got != expected) {
    fail("stream", "  protobuf: " + kv::describe(expected) + "\n  view:     " + kv::describe(got));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  kv::silence_protobuf_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  compare_body(input);
  compare_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  compare_stream(input);
  return 0;
}
