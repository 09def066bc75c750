#include "codec/message_view.h"

#include <climits>
#include <cstddef>

#include "codec/utf8.h"

namespace kv {
namespace {

// The tags of the four fields with their own wire types (field << 3 | type).
constexpr std::uint32_t kKeyTag = 0x0A;
constexpr std::uint32_t kValueTag = 0x12;
constexpr std::uint32_t kKindTag = 0x18;
constexpr std::uint32_t kStatusTag = 0x20;

enum WireType : std::uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// protobuf parses with a recursion limit of 100, and only groups nest here.
constexpr std::size_t kMaxGroupDepth = 100;
// protobuf refuses lengths of 2 GiB or more, and those above INT_MAX less
// its 16 slop bytes.
constexpr std::uint32_t kMaxLength = INT_MAX - 16;

// A cursor over the body. Every read checks the end; a read that would
// pass it fails, as it does in protobuf (which reads ahead into slop bytes
// but then refuses any position beyond the end).
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes)
      : at_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool at_end() const { return at_ == end_; }

  // A tag: at most 5 bytes, its value taken modulo 2^32.
  bool read_tag(std::uint32_t& tag) { return read_varint_upto<std::uint32_t, 5>(tag); }

  // Any other varint: at most 10 bytes, its value taken modulo 2^64.
  bool read_varint(std::uint64_t& value) { return read_varint_upto<std::uint64_t, 10>(value); }

  // The bytes of a length-delimited field, after its tag. The length takes
  // at most 5 bytes and is at most kMaxLength.
  bool read_length_delimited(std::string_view& out) {
    std::uint64_t length = 0;
    if (!read_varint_upto<std::uint64_t, 5>(length) || length > kMaxLength ||
        length > static_cast<std::size_t>(end_ - at_)) {
      return false;
    }
    out = std::string_view(reinterpret_cast<const char*>(at_), length);
    at_ += length;
    return true;
  }

  bool skip(std::size_t bytes) {
    if (bytes > static_cast<std::size_t>(end_ - at_)) return false;
    at_ += bytes;
    return true;
  }

 private:
  // A varint of at most kMaxBytes bytes, its value taken modulo 2^bits(T).
  template <typename T, unsigned kMaxBytes>
  bool read_varint_upto(T& out) {
    T value = 0;
    for (unsigned i = 0; i < kMaxBytes; ++i) {
      if (at_ == end_) return false;
      const T byte = *at_++;
      value |= static_cast<T>(byte & 0x7FU) << (7 * i);
      if (byte < 0x80U) {
        out = value;
        return true;
      }
    }
    return false;
  }

  const std::uint8_t* at_;
  const std::uint8_t* end_;
};

// Skips the payload of a field of wire type 0, 1, 2 or 5 whose tag has been
// read. Fails on other wire types.
bool skip_scalar_payload(std::uint32_t wire_type, Reader& reader) {
  switch (wire_type) {
    case kVarint: {
      std::uint64_t unused = 0;
      return reader.read_varint(unused);
    }
    case kFixed64:
      return reader.skip(8);
    case kLengthDelimited: {
      std::string_view unused;
      return reader.read_length_delimited(unused);
    }
    case kFixed32:
      return reader.skip(4);
    default:
      return false;
  }
}

// Skips the rest of a group of field `number` whose start tag has been
// read: every field up to the end tag of the same number, nested groups
// included. Iterative, with protobuf's depth limit.
bool skip_group(std::uint32_t number, Reader& reader) {
  std::uint32_t open[kMaxGroupDepth];
  std::size_t depth = 0;
  open[depth++] = number;
  while (depth > 0) {
    std::uint32_t tag = 0;
    if (!reader.read_tag(tag) || tag == 0) return false;
    const std::uint32_t field = tag >> 3;
    const std::uint32_t wire_type = tag & 7U;
    if (wire_type == kEndGroup) {
      if (field != open[depth - 1]) return false;
      --depth;
    } else if (field == 0) {
      return false;
    } else if (wire_type == kStartGroup) {
      if (depth == kMaxGroupDepth) return false;
      open[depth++] = field;
    } else if (!skip_scalar_payload(wire_type, reader)) {
      return false;
    }
  }
  return true;
}

// Skips a field this parser does not keep: an unknown field number, or a
// known one with another wire type than its own.
bool skip_unknown_field(std::uint32_t tag, Reader& reader) {
  const std::uint32_t field = tag >> 3;
  const std::uint32_t wire_type = tag & 7U;
  // Tag 0 and a stray end-group tag end protobuf's parse before the end of
  // the body, which it then reports as a failure.
  if (field == 0 || wire_type == kEndGroup) return false;
  if (wire_type == kStartGroup) return skip_group(field, reader);
  return skip_scalar_payload(wire_type, reader);
}

bool read_utf8_field(Reader& reader, std::string_view& out) {
  return reader.read_length_delimited(out) && is_valid_utf8(out);
}

}  // namespace

std::optional<MessageView> parse_message_view(std::span<const std::uint8_t> body) {
  MessageView view;
  Reader reader(body);
  while (!reader.at_end()) {
    std::uint32_t tag = 0;
    if (!reader.read_tag(tag)) return std::nullopt;
    bool ok = false;
    std::uint64_t number = 0;
    switch (tag) {
      case kKeyTag:
        ok = read_utf8_field(reader, view.key);
        break;
      case kValueTag:
        ok = read_utf8_field(reader, view.value);
        break;
      case kKindTag:
        ok = reader.read_varint(number);
        view.kind = static_cast<std::uint32_t>(number);
        break;
      case kStatusTag:
        ok = reader.read_varint(number);
        view.status = static_cast<std::int32_t>(static_cast<std::uint32_t>(number));
        break;
      default:
        ok = skip_unknown_field(tag, reader);
        view.has_unknown_fields = true;
        break;
    }
    if (!ok) return std::nullopt;
  }
  return view;
}

}  // namespace kv
