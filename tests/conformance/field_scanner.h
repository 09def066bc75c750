// A minimal walk over the fields of a protobuf body, for the body flaws of
// broken_kvserver that need to see the wire encoding itself (first-field-
// wins, minimal-varints-only, utf8-unchecked).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

namespace kv {

struct ScannedField {
  std::uint32_t number = 0;
  std::uint32_t wire_type = 0;
  // For wire type 0: the value. For wire types 1 and 5: the raw value.
  std::uint64_t varint = 0;
  // For wire type 2: the payload.
  std::string_view bytes;
  // True if a varint of this field (its value or its length) used more
  // bytes than its minimal encoding.
  bool non_minimal = false;
};

// Calls `visit` for every field of `body`, in order. Returns false if the
// body is not a well-formed sequence of fields (groups are not supported).
bool scan_fields(std::span<const std::uint8_t> body,
                 const std::function<void(const ScannedField&)>& visit);

}  // namespace kv
