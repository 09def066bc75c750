// Tests of the strict UTF-8 check (SPEC 4.3): every class of ill-formed
// input, the valid edge code points, and agreement with protobuf's own
// check of proto3 strings, on each of is_valid_utf8's paths (the scalar
// loops for short strings, simdjson for long ones and long tails).
#include "codec/utf8.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/message.h"

namespace kv::test {
namespace {

using namespace std::string_literals;

// `bytes` as the key of a KeyValueMessage body: 0a <length> <bytes>.
std::string key_body(std::string_view bytes) {
  std::string body = "\x0a";
  for (std::size_t n = bytes.size();; n >>= 7) {
    body.push_back(static_cast<char>((n & 0x7F) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  return body.append(bytes);
}

// protobuf's verdict on `bytes` as a proto3 string.
bool protobuf_accepts(std::string_view bytes) {
  Message message;
  return message.ParseFromString(key_body(bytes));
}

// `bytes` where each of is_valid_utf8()'s paths checks it: alone (the
// sequence-by-sequence loop); before and after ASCII (the part after the
// ASCII prefix goes to simdjson); and across a 64-byte block boundary of a
// string long enough for simdjson whole.
std::vector<std::string> placements(const std::string& bytes) {
  return {bytes, bytes + std::string(30, 'a'), std::string(16, 'a') + bytes + std::string(30, 'a'),
          std::string(62, 'b') + bytes + std::string(70, 'a')};
}

void expect_verdict(const std::string& bytes, bool valid) {
  for (const std::string& text : placements(bytes)) {
    EXPECT_EQ(is_valid_utf8(text), valid) << "in a string of " << text.size() << " bytes";
  }
}

struct Utf8Case {
  const char* name;
  std::string bytes;
};

void PrintTo(const Utf8Case& c, std::ostream* os) {
  *os << c.name;
}

std::string case_name(const ::testing::TestParamInfo<Utf8Case>& info) {
  return info.param.name;
}

// ---- ill-formed input ----

class IllFormed : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(IllFormed, IsRejected_Rule4_3) {
  expect_verdict(GetParam().bytes, false);
  EXPECT_EQ(utf8_sequence_length(GetParam().bytes), 0U);
  EXPECT_FALSE(protobuf_accepts(GetParam().bytes)) << "protobuf disagrees: fix the case";
}

INSTANTIATE_TEST_SUITE_P(
    Classes, IllFormed,
    ::testing::Values(
        Utf8Case{"LoneContinuation80", "\x80"s}, Utf8Case{"LoneContinuationBF", "\xbf"s},
        Utf8Case{"TruncatedTwoByte", "\xc3"s}, Utf8Case{"TruncatedThreeByte", "\xe2\x82"s},
        Utf8Case{"TruncatedFourByte", "\xf0\x9f\x98"s},
        Utf8Case{"TwoByteLeadThenAscii", "\xc3\x41"s},
        Utf8Case{"ThreeByteLeadThenAscii", "\xe2\x82\x41"s},
        Utf8Case{"OverlongTwoByteC0", "\xc0\xaf"s}, Utf8Case{"OverlongTwoByteC1", "\xc1\xbf"s},
        Utf8Case{"OverlongThreeByte", "\xe0\x9f\xbf"s},
        Utf8Case{"OverlongThreeByteSlash", "\xe0\x80\xaf"s},
        Utf8Case{"OverlongFourByte", "\xf0\x8f\xbf\xbf"s},
        Utf8Case{"SurrogateD800", "\xed\xa0\x80"s}, Utf8Case{"SurrogateDBFF", "\xed\xaf\xbf"s},
        Utf8Case{"SurrogateDC00", "\xed\xb0\x80"s}, Utf8Case{"SurrogateDFFF", "\xed\xbf\xbf"s},
        Utf8Case{"Above10FFFF", "\xf4\x90\x80\x80"s}, Utf8Case{"LeadF5", "\xf5\x80\x80\x80"s},
        Utf8Case{"LeadF7", "\xf7\xbf\xbf\xbf"s}, Utf8Case{"ByteFE", "\xfe"s},
        Utf8Case{"ByteFF", "\xff"s}, Utf8Case{"FiveByteForm", "\xf8\x88\x80\x80\x80"s}),
    case_name);

// ---- well-formed edge code points ----

struct CodePointCase {
  const char* name;
  std::string bytes;
  std::size_t length;
};

void PrintTo(const CodePointCase& c, std::ostream* os) {
  *os << c.name;
}

class EdgeCodePoint : public ::testing::TestWithParam<CodePointCase> {};

TEST_P(EdgeCodePoint, IsAccepted_Rule4_3) {
  const CodePointCase& c = GetParam();
  ASSERT_EQ(c.bytes.size(), c.length);
  expect_verdict(c.bytes, true);
  EXPECT_EQ(utf8_sequence_length(c.bytes), c.length);
  EXPECT_EQ(utf8_sequence_length(c.bytes + "\xff"s), c.length);
  EXPECT_TRUE(protobuf_accepts(c.bytes)) << "protobuf disagrees: fix the case";
}

INSTANTIATE_TEST_SUITE_P(CodePoints, EdgeCodePoint,
                         ::testing::Values(CodePointCase{"U0000", "\x00"s, 1},
                                           CodePointCase{"U007F", "\x7f"s, 1},
                                           CodePointCase{"U0080", "\xc2\x80"s, 2},
                                           CodePointCase{"U07FF", "\xdf\xbf"s, 2},
                                           CodePointCase{"U0800", "\xe0\xa0\x80"s, 3},
                                           CodePointCase{"UD7FF", "\xed\x9f\xbf"s, 3},
                                           CodePointCase{"UE000", "\xee\x80\x80"s, 3},
                                           CodePointCase{"UFFFF", "\xef\xbf\xbf"s, 3},
                                           CodePointCase{"U10000", "\xf0\x90\x80\x80"s, 4},
                                           CodePointCase{"U10FFFF", "\xf4\x8f\xbf\xbf"s, 4}),
                         [](const ::testing::TestParamInfo<CodePointCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(Utf8, EmptyStringIsValidAndHoldsNoSequence) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_EQ(utf8_sequence_length(""), 0U);
}

TEST(Utf8, NulBytesAreValidAnywhere) {
  expect_verdict(std::string(9, '\0') + "k\0v"s, true);
}

TEST(Utf8, OneBadByteAnywhereInALongStringIsFound) {
  const std::string text = "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80 "s;
  std::string long_text;
  while (long_text.size() < 300) long_text += text;
  ASSERT_TRUE(is_valid_utf8(long_text));
  for (std::size_t at = 0; at < long_text.size(); ++at) {
    std::string broken = long_text;
    broken[at] = '\xff';
    ASSERT_FALSE(is_valid_utf8(broken)) << "0xff at " << at;
  }
}

// ---- agreement with protobuf (the reference for proto3 strings) ----

// Every string of one to four bytes drawn from the bytes at the edges of
// the UTF-8 ranges: all lead classes, the limits of each second-byte range
// and of the continuation range, and ASCII.
TEST(Utf8, AgreesWithProtobufOnEveryShortStringOfEdgeBytes_Rule4_3) {
  constexpr std::array<char, 19> kEdges = {'\x00', '\x7f', '\x80', '\x8f', '\x90', '\x9f', '\xa0',
                                           '\xbf', '\xc0', '\xc1', '\xc2', '\xdf', '\xe0', '\xed',
                                           '\xef', '\xf0', '\xf4', '\xf5', '\xff'};
  std::size_t checked = 0;
  std::string bytes;
  const auto visit = [&](auto& self, std::size_t length) -> void {
    if (bytes.size() == length) {
      const bool expected = protobuf_accepts(bytes);
      for (const std::string& text : placements(bytes)) {
        ASSERT_EQ(is_valid_utf8(text), expected) << ::testing::PrintToString(text);
      }
      ++checked;
      return;
    }
    for (const char edge : kEdges) {
      bytes.push_back(edge);
      self(self, length);
      bytes.pop_back();
    }
  };
  for (std::size_t length = 1; length <= 4; ++length) visit(visit, length);
  EXPECT_EQ(checked, 19U + 19U * 19U + 19U * 19U * 19U + 19U * 19U * 19U * 19U);
}

// Strings of code points of every encoded length, half of them valid
// throughout and half mixed with surrogates, values above U+10FFFF and
// arbitrary bytes; short and long, so that both paths meet every kind of
// error at every position.
rc::Gen<std::string> gen_utf8ish_string() {
  const auto valid_code_point = rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(0, 0x80),
                                               rc::gen::inRange<std::uint32_t>(0x80, 0x800),
                                               rc::gen::inRange<std::uint32_t>(0x800, 0xD800),
                                               rc::gen::inRange<std::uint32_t>(0xE000, 0x10000),
                                               rc::gen::inRange<std::uint32_t>(0x10000, 0x110000));
  const auto any_code_point = rc::gen::weightedOneOf<std::uint32_t>(
      {{10, valid_code_point},
       {1, rc::gen::inRange<std::uint32_t>(0xD800, 0xE000)},
       {1, rc::gen::inRange<std::uint32_t>(0x110000, 0x200000)}});
  const auto encode = [](std::uint32_t cp) {
    if (cp < 0x80) return std::string(1, static_cast<char>(cp));
    if (cp < 0x800) {
      return std::string{static_cast<char>(0xC0 | (cp >> 6)),
                         static_cast<char>(0x80 | (cp & 0x3F))};
    }
    if (cp < 0x10000) {
      return std::string{static_cast<char>(0xE0 | (cp >> 12)),
                         static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                         static_cast<char>(0x80 | (cp & 0x3F))};
    }
    return std::string{
        static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
  };
  const auto ascii_run = rc::gen::just(std::string(40, 'x'));
  const auto valid_piece = rc::gen::weightedOneOf<std::string>(
      {{12, rc::gen::map(valid_code_point, encode)}, {1, ascii_run}});
  const auto any_piece = rc::gen::weightedOneOf<std::string>(
      {{12, rc::gen::map(any_code_point, encode)},
       {1, rc::gen::map(rc::gen::arbitrary<char>(), [](char c) { return std::string(1, c); })},
       {1, ascii_run}});
  return rc::gen::exec([=] {
    const auto count = *rc::gen::inRange<std::size_t>(0, 60);
    const bool valid = *rc::gen::arbitrary<bool>();
    std::string text;
    for (const std::string& p :
         *rc::gen::container<std::vector<std::string>>(count, valid ? valid_piece : any_piece)) {
      text += p;
    }
    return text;
  });
}

RC_GTEST_PROP(Utf8Property, AgreesWithProtobufOnProto3Strings_Rule4_3, ()) {
  const std::string text = *gen_utf8ish_string();
  const bool expected = protobuf_accepts(text);
  RC_TAG(expected ? "valid" : "invalid", text.size() >= 64 ? "long" : "short");
  RC_ASSERT(is_valid_utf8(text) == expected);
}

RC_GTEST_PROP(Utf8Property, SequenceLengthWalksExactlyTheValidStrings_Rule4_3, ()) {
  const std::string text = *gen_utf8ish_string();
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t length = utf8_sequence_length(rest);
    if (length == 0) break;
    rest.remove_prefix(length);
  }
  RC_ASSERT(rest.empty() == is_valid_utf8(text));
}

}  // namespace
}  // namespace kv::test
