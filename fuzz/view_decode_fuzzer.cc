// Differential fuzz target: the view parser, and the kv::Message path
// built on it, against protobuf, the reference (SPEC 4.1-4.5). The input
// is used three ways, and any disagreement aborts:
//  - as a message body: parse_message_view() must accept it exactly when
//    protobuf's ParseFromArray does, read the same four fields, and report
//    unknown fields exactly when protobuf keeps some; parse_message() must
//    succeed exactly when ParseFromArray does and then leave a message
//    that serializes to the same bytes as protobuf's (unknown fields
//    included), both in a fresh message and in one that held another
//    body's fields;
//  - as a string: is_valid_utf8() must accept it exactly when protobuf
//    accepts it as the `key` of a message (SPEC 4.3);
//  - as a stream: FrameDecoder::next_view() and next() must each report
//    the events of the reference, where the decoder frames each body and
//    ParseFromArray alone parses it (decode_stream with each body parser).
#include <google/protobuf/unknown_field_set.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "codec/decoded_stream.h"
#include "codec/message.h"
#include "codec/message_parse.h"
#include "codec/message_view.h"
#include "codec/utf8.h"

namespace {

// The largest LEN of the stream comparison: small enough that libFuzzer
// reaches LEN values on both sides of it.
constexpr std::uint32_t kFuzzMaxFrameLen = 1024U * 1024U;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "codec differs from protobuf: %s\n%s\n", what, detail.c_str());
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
  bool expected_unknown = false;
  if (kv::Message message; message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    expected = kv::fields_of(message);
    expected_unknown = !message.GetReflection()->GetUnknownFields(message).empty();
  }
  std::optional<kv::MessageFields> got;
  bool got_unknown = false;
  if (const std::optional<kv::MessageView> view = kv::parse_message_view(body)) {
    got = kv::fields_of(*view);
    got_unknown = view->has_unknown_fields;
  }
  if (got != expected) {
    fail("body", "  protobuf: " + describe(expected) + "\n  view:     " + describe(got));
  }
  if (got_unknown != expected_unknown) {
    fail("unknown fields", std::string("  protobuf keeps unknown fields: ") +
                               (expected_unknown ? "yes" : "no") +
                               "\n  view reports unknown fields: " + (got_unknown ? "yes" : "no"));
  }
}

// A message that holds all four fields and an unknown field, as a message
// reused across frames may.
kv::Message used_message() {
  kv::Message message;
  // key "old", value "older", kind 2, status 5, and field 9 = 42.
  static constexpr std::uint8_t kBody[] = {0x0a, 0x03, 'o', 'l',  'd',  0x12, 0x05, 'o',  'l',
                                           'd',  'e',  'r', 0x18, 0x02, 0x20, 0x05, 0x48, 0x2a};
  if (!message.ParseFromArray(kBody, sizeof kBody) ||
      message.GetReflection()->GetUnknownFields(message).empty()) {
    fail("used message", "  protobuf does not parse the fixed body as expected");
  }
  return message;
}

// A parsed message's serialization (unknown fields included), or
// std::nullopt for a body that failed to parse.
using Serialized = std::optional<std::string>;

std::string describe_serialized(const Serialized& serialized) {
  return serialized ? "[" + kv::hex(*serialized) + "]" : "bad body";
}

void compare_message(std::span<const std::uint8_t> body) {
  Serialized expected;
  if (kv::Message message; message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    expected = message.SerializeAsString();
  }
  kv::Message fresh;
  kv::Message used = used_message();
  for (kv::Message* message : {&fresh, &used}) {
    Serialized got;
    if (kv::parse_message(body, *message)) got = message->SerializeAsString();
    if (got != expected) {
      fail(message == &fresh ? "parse_message" : "parse_message into a used message",
           "  protobuf:      " + describe_serialized(expected) +
               "\n  parse_message: " + describe_serialized(got));
    }
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
  const kv::StreamEvents expected =
      kv::decode_stream(stream, {}, options, kv::BodyParser::kProtobuf);
  for (const kv::BodyParser parser : {kv::BodyParser::kView, kv::BodyParser::kMessage}) {
    const kv::StreamEvents got = kv::decode_stream(stream, {}, options, parser);
    if (got != expected) {
      fail("stream", std::string("  protobuf: ") + kv::describe(expected) + "\n  " +
                         kv::describe(parser) + ": " + kv::describe(got));
    }
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
  compare_message(input);
  compare_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  compare_stream(input);
  return 0;
}
