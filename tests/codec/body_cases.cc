#include "tests/codec/body_cases.h"

#include <google/protobuf/unknown_field_set.h>

#include "tests/codec/frame_bytes.h"

namespace kv::test {

using namespace std::string_literals;

std::string varint(std::uint64_t value, std::size_t min_bytes) {
  std::string out;
  do {
    const auto low = static_cast<char>(value & 0x7FU);
    value >>= 7;
    const bool more = value != 0 || out.size() + 1 < min_bytes;
    out.push_back(static_cast<char>(low | (more ? 0x80 : 0)));
    if (!more) break;
  } while (true);
  return out;
}

std::string field(std::uint32_t number, std::uint32_t wire_type, std::string_view payload) {
  return varint((std::uint64_t{number} << 3) | wire_type) + std::string(payload);
}

std::string string_field(std::uint32_t number, std::string_view text) {
  return field(number, 2, varint(text.size()) + std::string(text));
}

std::string nested_groups(std::uint32_t number, std::size_t depth) {
  std::string open;
  std::string close;
  for (std::size_t i = 0; i < depth; ++i) {
    open += field(number, 3, "");
    close += field(number, 4, "");
  }
  return open + close;
}

int unknown_field_count(const Message& message) {
  return message.GetReflection()->GetUnknownFields(message).field_count();
}

void PrintTo(const BodyCase& c, std::ostream* os) {
  *os << c.name << " [" << hex(c.body) << "]";
}

std::string case_name(const ::testing::TestParamInfo<BodyCase>& info) {
  return info.param.name;
}

namespace {

const MessageFields kPut{"k", "v", 3, 0};
const std::string kPutBody = "\x0a\x01k\x12\x01v\x18\x03"s;
constexpr bool kUnknown = true;

}  // namespace

std::vector<BodyCase> accepted_bodies() {
  return {
      {"WorkedExample", kPutBody, kPut},
      {"Empty", "", MessageFields{}},
      {"ExplicitDefaults_Rule4_5", "\x0a\x00\x12\x00\x18\x00\x20\x00"s, MessageFields{}},
      {"FieldsInAnyOrder", "\x20\x01\x18\x02\x12\x01v\x0a\x01k"s, MessageFields{"k", "v", 2, 1}},
      {"LastOccurrenceWins", "\x0a\x01x\x18\x01"s + kPutBody + "\x20\x05\x20\x00"s, kPut},
      {"NulBytesInStrings", "\x0a\x03k\x00k\x12\x01\x00"s, MessageFields{"k\0k"s, "\0"s, 0, 0}},
      {"NonMinimalTag", varint(0x0A, 5) + "\x01k"s, MessageFields{"k", "", 0, 0}},
      {"FiveByteTagWrapsModulo2To32", "\x8a\x80\x80\x80\x10\x01k"s, MessageFields{"k", "", 0, 0}},
      {"NonMinimalLength", "\x0a"s + varint(1, 5) + "k", MessageFields{"k", "", 0, 0}},
      {"NonMinimalKind", "\x18"s + varint(3, 10), MessageFields{"", "", 3, 0}},
      {"KindTruncatedTo32Bits", "\x18"s + varint(0x100000007ULL), MessageFields{"", "", 7, 0}},
      {"KindTenthByteHighBitsDropped", "\x18\x83\x80\x80\x80\x80\x80\x80\x80\x80\x7f"s,
       MessageFields{"", "", 3, 0}},
      {"StatusUnknownValueKept", "\x20\x07"s, MessageFields{"", "", 0, 7}},
      {"StatusMinusOne", "\x20"s + varint(UINT64_MAX), MessageFields{"", "", 0, -1}},
      {"StatusTruncatedTo32Bits", "\x20"s + varint(0x500000002ULL), MessageFields{"", "", 0, 2}},
      {"UnknownVarint", kPutBody + field(9, 0, varint(UINT64_MAX)), kPut, kUnknown},
      {"UnknownFixed64", kPutBody + field(10, 1, "12345678"), kPut, kUnknown},
      {"UnknownLengthDelimitedNotUtf8", kPutBody + field(11, 2, "\x02\xff\xfe"s), kPut, kUnknown},
      {"UnknownFixed32", kPutBody + field(12, 5, "1234"), kPut, kUnknown},
      {"UnknownGroup", kPutBody + field(13, 3, "") + field(1, 2, "\x01\xff"s) + field(13, 4, ""),
       kPut, kUnknown},
      {"EmptyGroup", field(5, 3, "") + field(5, 4, "") + kPutBody, kPut, kUnknown},
      {"GroupsNested100Deep", kPutBody + nested_groups(7, 100), kPut, kUnknown},
      {"NestedGroupsOfOtherNumbers",
       field(5, 3, "") + field(6, 3, "") + field(6, 4, "") + field(5, 4, "") + kPutBody, kPut,
       kUnknown},
      {"HugeFieldNumber", kPutBody + field((1U << 29) - 1, 0, "\x01"), kPut, kUnknown},
      {"UnknownFieldsRepeatedAndInterleaved",
       field(9, 0, "\x01") + "\x0a\x01k"s + field(10, 5, "abcd") + "\x12\x01v\x18\x03"s +
           field(9, 0, "\x02") + field(9, 0, varint(2, 3)),
       kPut, kUnknown},
      {"UnknownFieldBeforeOverwrittenKey",
       "\x0a\x01x"s + field(6, 2, "\x01y") + kPutBody + string_field(2, std::string(40, 'v')),
       MessageFields{"k", std::string(40, 'v'), 3, 0}, kUnknown},
      {"KeyAsVarintIsUnknown", kPutBody + field(1, 0, "\x05"), kPut, kUnknown},
      {"KeyAsFixed32IsUnknown", kPutBody + field(1, 5, "abcd"), kPut, kUnknown},
      {"KeyAsGroupIsUnknown", kPutBody + field(1, 3, "") + field(1, 4, ""), kPut, kUnknown},
      {"ValueAsFixed64IsUnknown", kPutBody + field(2, 1, "12345678"), kPut, kUnknown},
      {"KindAsLengthDelimitedIsUnknown", kPutBody + field(3, 2, "\x01\x09"s), kPut, kUnknown},
      {"StatusAsFixed64IsUnknown", kPutBody + field(4, 1, "12345678"), kPut, kUnknown},
      {"StatusAsFixed32IsUnknown", "\x20\x01"s + field(4, 5, "\x07\x00\x00\x00"s),
       MessageFields{"", "", 0, 1}, kUnknown},
      {"FooterTextIsData", string_field(2, "@EOF@"), MessageFields{"", "@EOF@", 0, 0}},
      {"Utf8InKeyAndValue", string_field(1, "\xc3\xa9") + string_field(2, "\xf4\x8f\xbf\xbf"),
       MessageFields{"\xc3\xa9", "\xf4\x8f\xbf\xbf", 0, 0}},
      {"LongKeyAndValue",
       string_field(1, std::string(300, 'k')) + string_field(2, std::string(70000, 'v')) +
           "\x18\x02"s,
       MessageFields{std::string(300, 'k'), std::string(70000, 'v'), 2, 0}},
  };
}

std::vector<BodyCase> rejected_bodies() {
  return {
      {"TagZero", kPutBody + "\x00"s, std::nullopt},
      {"FiveByteTagWrappingToZero", kPutBody + "\x80\x80\x80\x80\x10"s, std::nullopt},
      {"SixByteTag", "\x8a\x80\x80\x80\x80\x00\x01k"s, std::nullopt},
      {"FieldNumberZero", "\x02\x00"s, std::nullopt},
      {"WireType6", "\x0e\x01"s, std::nullopt},
      {"WireType7", "\x0f\x01"s, std::nullopt},
      {"StrayEndGroup", kPutBody + field(5, 4, ""), std::nullopt},
      {"UnclosedGroup", kPutBody + field(5, 3, ""), std::nullopt},
      {"GroupClosedByOtherNumber", field(5, 3, "") + field(6, 4, "") + kPutBody, std::nullopt},
      {"GroupHoldingTagZero", field(5, 3, "") + "\x00"s + field(5, 4, ""), std::nullopt},
      {"GroupHoldingFieldZero", field(5, 3, "") + "\x02\x00"s + field(5, 4, ""), std::nullopt},
      {"GroupHoldingWireType7", field(5, 3, "") + "\x0f"s + field(5, 4, ""), std::nullopt},
      {"GroupsNested101Deep", kPutBody + nested_groups(7, 101), std::nullopt},
      {"TruncatedTag", "\x8a"s, std::nullopt},
      {"TruncatedKind", "\x18\x83"s, std::nullopt},
      {"ElevenByteKind", "\x18"s + varint(3, 11), std::nullopt},
      {"ElevenByteUnknownVarint", field(9, 0, varint(1, 11)), std::nullopt},
      {"SixByteLength", "\x0a"s + varint(1, 6) + "k", std::nullopt},
      {"FiveByteLengthFifthByte08", "\x0a\x81\x80\x80\x80\x08k"s, std::nullopt},
      {"StringPastEnd", "\x0a\x05kv"s, std::nullopt},
      {"UnknownStringPastEnd",
       field(11, 2,
             "\x03"
             "ab"),
       std::nullopt},
      {"TruncatedFixed64", field(10, 1, "1234567"), std::nullopt},
      {"TruncatedFixed32", field(12, 5, "123"), std::nullopt},
      {"UnknownFieldThenTruncatedKey", field(9, 0, "\x01") + "\x0a\x02k"s, std::nullopt},
      {"InvalidUtf8Key_Rule4_3", "\x0a\x01\xff"s, std::nullopt},
      {"InvalidUtf8Value_Rule4_3", "\x12\x02\xc3\x28"s, std::nullopt},
      {"SurrogateInValue_Rule4_3", "\x12\x03\xed\xa0\x80"s, std::nullopt},
      {"OverlongInKey_Rule4_3", "\x0a\x02\xc0\xaf"s, std::nullopt},
      {"InvalidUtf8OverwrittenLater_Rule4_3", "\x0a\x01\xff"s + kPutBody, std::nullopt},
      {"InvalidUtf8AfterUnknownField_Rule4_3", kPutBody + field(9, 0, "\x01") + "\x12\x01\xff"s,
       std::nullopt},
      {"LongInvalidUtf8Value_Rule4_3", string_field(2, std::string(100, 'v') + "\xed\xbf\xbf"s),
       std::nullopt},
  };
}

rc::Gen<std::string> gen_body_piece() {
  const auto text = rc::gen::weightedOneOf<std::string>(
      {{6, rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7f))},
       {2,
        rc::gen::element("\xc3\xa9"s, "\xed\x9f\xbf"s, "\xf0\x9f\x98\x80"s, std::string(80, 'x'))},
       {1, rc::gen::arbitrary<std::string>()}});
  const auto number =
      rc::gen::weightedOneOf<std::uint32_t>({{4, rc::gen::inRange<std::uint32_t>(1, 5)},
                                             {2, rc::gen::inRange<std::uint32_t>(5, 20)},
                                             {1, rc::gen::just(0U)},
                                             {1, rc::gen::arbitrary<std::uint32_t>()}});
  const auto width = rc::gen::weightedOneOf<std::size_t>(
      {{8, rc::gen::just(std::size_t{1})}, {1, rc::gen::inRange<std::size_t>(1, 12)}});
  return rc::gen::exec([=] {
    const std::uint32_t wire_type = *rc::gen::weightedOneOf<std::uint32_t>(
        {{5, rc::gen::element(0U, 2U)}, {1, rc::gen::element(1U, 3U, 4U, 5U, 6U, 7U)}});
    const std::uint32_t field_number = *number;
    const std::string tag = varint((std::uint64_t{field_number} << 3) | wire_type, *width);
    switch (*rc::gen::inRange(0, 8)) {
      case 0:
        return *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(1, 4),
                                                rc::gen::arbitrary<char>());
      case 1:
        return tag;  // A bare tag: a group bracket, or a field cut short.
      default:
        break;
    }
    switch (wire_type) {
      case 0:
        return tag + varint(*rc::gen::arbitrary<std::uint64_t>(), *width);
      case 1:
        return tag + *rc::gen::container<std::string>(8, rc::gen::arbitrary<char>());
      case 2: {
        const std::string payload = *text;
        return tag + varint(payload.size(), *width) + payload;
      }
      case 5:
        return tag + *rc::gen::container<std::string>(4, rc::gen::arbitrary<char>());
      default:
        return tag;
    }
  });
}

rc::Gen<std::string> gen_body() {
  return rc::gen::exec([] {
    const auto pieces = *rc::gen::container<std::vector<std::string>>(
        *rc::gen::inRange<std::size_t>(0, 12), gen_body_piece());
    std::string body;
    for (const std::string& piece : pieces) body += piece;
    return body;
  });
}

}  // namespace kv::test
