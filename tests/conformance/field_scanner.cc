#include "field_scanner.h"

#include <google/protobuf/io/coded_stream.h>

namespace kv {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;

// Reads a varint and tells whether it was encoded minimally.
bool read_varint(CodedInputStream& in, std::uint64_t& value, bool& non_minimal) {
  const int before = in.CurrentPosition();
  if (!in.ReadVarint64(&value)) return false;
  const auto used = static_cast<std::size_t>(in.CurrentPosition() - before);
  non_minimal = non_minimal || used != CodedOutputStream::VarintSize64(value);
  return true;
}

}  // namespace

bool scan_fields(std::span<const std::uint8_t> body,
                 const std::function<void(const ScannedField&)>& visit) {
  CodedInputStream in(body.data(), static_cast<int>(body.size()));
  for (;;) {
    const std::uint32_t tag = in.ReadTag();
    if (tag == 0) return in.CurrentPosition() == static_cast<int>(body.size());
    ScannedField field;
    field.number = tag >> 3U;
    field.wire_type = tag & 7U;
    if (field.number == 0) return false;
    switch (field.wire_type) {
      case 0:
        if (!read_varint(in, field.varint, field.non_minimal)) return false;
        break;
      case 1:
        if (!in.ReadLittleEndian64(&field.varint)) return false;
        break;
      case 2: {
        std::uint64_t size = 0;
        if (!read_varint(in, size, field.non_minimal)) return false;
        const auto offset = static_cast<std::size_t>(in.CurrentPosition());
        if (size > body.size() - offset) return false;
        field.bytes = {reinterpret_cast<const char*>(body.data() + offset),
                       static_cast<std::size_t>(size)};
        if (!in.Skip(static_cast<int>(size))) return false;
        break;
      }
      case 5: {
        std::uint32_t value = 0;
        if (!in.ReadLittleEndian32(&value)) return false;
        field.varint = value;
        break;
      }
      default:
        return false;
    }
    visit(field);
  }
}

}  // namespace kv
