#include "tests/codec/stream_generators.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "codec/frame_encoder.h"
#include "tests/codec/frame_bytes.h"

namespace kv::test {
namespace {

constexpr std::size_t kMaxPieces = 24;
constexpr std::size_t kMaxGarbageBytes = 32;
constexpr std::size_t kMaxJunkBytes = 8;
constexpr int kMaxFramesPerStream = 8;

std::string utf8_encode(std::uint32_t code_point) {
  std::string out;
  if (code_point < 0x80U) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800U) {
    out.push_back(static_cast<char>(0xC0U | (code_point >> 6U)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  } else if (code_point < 0x10000U) {
    out.push_back(static_cast<char>(0xE0U | (code_point >> 12U)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  } else {
    out.push_back(static_cast<char>(0xF0U | (code_point >> 18U)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 12U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  }
  return out;
}

// Unicode scalar values, spread over the four UTF-8 encoded lengths.
rc::Gen<std::uint32_t> gen_code_point() {
  return rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(0, 0x80),
                        rc::gen::inRange<std::uint32_t>(0x80, 0x800),
                        rc::gen::inRange<std::uint32_t>(0x800, 0xD800),
                        rc::gen::inRange<std::uint32_t>(0xE000, 0x10000),
                        rc::gen::inRange<std::uint32_t>(0x10000, 0x110000));
}

rc::Gen<std::string> gen_bytes(std::size_t max_bytes) {
  return rc::gen::exec([max_bytes] {
    const auto count = *rc::gen::inRange<std::size_t>(0, max_bytes + 1);
    return *rc::gen::container<std::string>(count, rc::gen::arbitrary<char>());
  });
}

std::string raw_encoded(std::string_view body) {
  Buffer out;
  const std::error_code error = encode_raw_frame(as_bytes(body), out);
  RC_ASSERT(!error);
  return readable_string(out);
}

std::string encoded(const MessageFields& fields) {
  Buffer out;
  const std::error_code error = encode_frame(to_message(fields), out);
  RC_ASSERT(!error);
  return readable_string(out);
}

// Bodies that fail to parse whatever follows them: a tag of wire type 7 or
// 6, or a key or value with invalid UTF-8.
rc::Gen<std::string> gen_unparsable_body() {
  return rc::gen::exec([] {
    auto body = *rc::gen::element(std::string("\x0f"), std::string("\x0e"), std::string("\x0a\x01\xff"),
                                   std::string("\x12\x02\xc3\x28"));
    return body + *gen_bytes(kMaxGarbageBytes);
  });
}

rc::Gen<std::string> gen_wrong_footer_frame() {
  return rc::gen::exec([] {
    std::string frame = encoded(*gen_message_fields());
    const auto position = frame.size() - 5 + *rc::gen::inRange<std::size_t>(0, 5);
    frame[position] = static_cast<char>(frame[position] ^ *rc::gen::inRange<int>(1, 256));
    return frame;
  });
}

}  // namespace

rc::Gen<std::uint32_t> gen_max_frame_len() {
  return rc::gen::weightedOneOf<std::uint32_t>(
      {{3, rc::gen::just(kDefaultMaxFrameLen)}, {1, rc::gen::inRange<std::uint32_t>(5, 200)}});
}

rc::Gen<std::string> gen_utf8_string() {
  auto piece = rc::gen::weightedOneOf<std::string>(
      {{20, rc::gen::map(gen_code_point(), utf8_encode)}, {1, rc::gen::just(std::string("@EOF@"))}});
  return rc::gen::exec([piece] {
    const auto count = *rc::gen::inRange<std::size_t>(0, kMaxPieces + 1);
    const auto pieces = *rc::gen::container<std::vector<std::string>>(count, piece);
    return std::accumulate(pieces.begin(), pieces.end(), std::string());
  });
}

rc::Gen<MessageFields> gen_message_fields() {
  return rc::gen::build<MessageFields>(
      rc::gen::set(&MessageFields::key, gen_utf8_string()),
      rc::gen::set(&MessageFields::value, gen_utf8_string()),
      rc::gen::set(&MessageFields::kind, rc::gen::arbitrary<std::uint32_t>()),
      rc::gen::set(&MessageFields::status,
                   rc::gen::oneOf(rc::gen::just(0), rc::gen::just(1), rc::gen::arbitrary<int>())));
}

rc::Gen<std::string> gen_resynchronising_frame() {
  return rc::gen::oneOf(rc::gen::map(gen_message_fields(), encoded),
                        rc::gen::map(gen_bytes(kMaxGarbageBytes), raw_encoded),
                        rc::gen::map(gen_unparsable_body(), raw_encoded));
}

rc::Gen<std::string> gen_framing_error(std::uint32_t max_frame_len) {
  auto too_small = rc::gen::map(rc::gen::inRange<std::uint32_t>(0, 5), le32);
  auto too_large = rc::gen::map(
      rc::gen::inRange<std::uint64_t>(std::uint64_t{max_frame_len} + 1, std::uint64_t{1} << 32U),
      [](std::uint64_t len) { return le32(static_cast<std::uint32_t>(len)); });
  auto error = rc::gen::oneOf(too_small, too_large, gen_wrong_footer_frame());
  return rc::gen::exec([error] { return *error + *gen_bytes(kMaxJunkBytes); });
}

rc::Gen<std::string> gen_mixed_stream(std::uint32_t max_frame_len) {
  return rc::gen::exec([max_frame_len] {
    const auto count = *rc::gen::inRange(0, kMaxFramesPerStream + 1);
    const auto frames =
        *rc::gen::container<std::vector<std::string>>(count, gen_resynchronising_frame());
    std::string stream = std::accumulate(frames.begin(), frames.end(), std::string());
    if (*rc::gen::arbitrary<bool>()) stream += *gen_framing_error(max_frame_len);
    return stream;
  });
}

rc::Gen<std::vector<std::size_t>> gen_cuts(std::size_t size) {
  auto random_cuts = rc::gen::exec([size] {
    auto cuts = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, size + 1));
    std::sort(cuts.begin(), cuts.end());
    return cuts;
  });
  std::vector<std::size_t> every_byte(size);
  std::iota(every_byte.begin(), every_byte.end(), std::size_t{1});
  return rc::gen::weightedOneOf<std::vector<std::size_t>>(
      {{4, random_cuts}, {1, rc::gen::just(std::move(every_byte))}});
}

EncodedStream encode_messages(const std::vector<MessageFields>& messages) {
  Buffer out;
  EncodedStream stream;
  for (const MessageFields& fields : messages) {
    stream.boundaries.push_back(out.readable_bytes());
    const std::error_code error = encode_frame(to_message(fields), out);
    RC_ASSERT(!error);
  }
  stream.boundaries.push_back(out.readable_bytes());
  stream.bytes = readable_string(out);
  return stream;
}

}  // namespace kv::test
