#include "conformance/client/response_forms.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "codec/frame_encoder.h"
#include "conformance/wire/messages.h"

namespace kv {
namespace {

constexpr std::uint32_t kKeyField = 1, kValueField = 2, kKindField = 3, kStatusField = 4;
constexpr std::uint32_t kWireVarint = 0, kWireBytes = 2, kWireStartGroup = 3, kWireEndGroup = 4;

constexpr std::array<std::pair<ResponseForm, std::string_view>, 8> kNames = {{
    {ResponseForm::kCanonical, "canonical"},
    {ResponseForm::kExplicitDefaults, "explicit-defaults"},
    {ResponseForm::kUnknownFields, "unknown-fields"},
    {ResponseForm::kNonMinimalVarints, "non-minimal-varints"},
    {ResponseForm::kTenByteVarints, "ten-byte-varints"},
    {ResponseForm::kRepeatedFields, "repeated-fields"},
    {ResponseForm::kGroups, "groups"},
    {ResponseForm::kLargeUnknownField, "large-unknown-field"},
}};

std::string tag(std::uint32_t field, std::uint32_t wire_type) {
  return pb_varint((static_cast<std::uint64_t>(field) << 3U) | wire_type);
}

// The four fields in order, each written when `all` or when it is not its
// default; lengths and varint values padded to `varint_bytes` (0: minimal).
std::string fields(const Message& m, bool all, std::size_t length_bytes, std::size_t value_bytes) {
  const auto varint = [](std::uint64_t v, std::size_t size) {
    return size == 0 ? pb_varint(v) : padded_varint(v, size);
  };
  std::string body;
  if (all || !m.key().empty()) {
    body += tag(kKeyField, kWireBytes) + varint(m.key().size(), length_bytes) + m.key();
  }
  if (all || !m.value().empty()) {
    body += tag(kValueField, kWireBytes) + varint(m.value().size(), length_bytes) + m.value();
  }
  if (all || m.kind() != 0) body += tag(kKindField, kWireVarint) + varint(m.kind(), value_bytes);
  // An enum is an int32 on the wire: a negative value takes ten bytes.
  const auto status = static_cast<std::uint64_t>(static_cast<std::int64_t>(m.status()));
  if (all || m.status() != 0) body += tag(kStatusField, kWireVarint) + varint(status, value_bytes);
  return body;
}

}  // namespace

const std::vector<ResponseForm>& all_response_forms() {
  static const std::vector<ResponseForm> forms = [] {
    std::vector<ResponseForm> out;
    for (const auto& entry : kNames) out.push_back(entry.first);
    return out;
  }();
  return forms;
}

std::string_view response_form_name(ResponseForm form) {
  for (const auto& [value, name] : kNames) {
    if (value == form) return name;
  }
  return "?";
}

bool response_form_from_name(std::string_view name, ResponseForm& form) {
  for (const auto& [value, known] : kNames) {
    if (known == name) {
      form = value;
      return true;
    }
  }
  return false;
}

std::string padded_varint(std::uint64_t value, std::size_t size) {
  std::string out = pb_varint(value);
  if (out.size() >= size) return out;
  out.back() = static_cast<char>(out.back() | 0x80);
  while (out.size() + 1 < size) out += '\x80';
  out += '\x00';
  return out;
}

std::string response_body(const Message& m, ResponseForm form) {
  switch (form) {
    case ResponseForm::kCanonical:
      return fields(m, false, 0, 0);
    case ResponseForm::kExplicitDefaults:
      return fields(m, true, 0, 0);
    case ResponseForm::kUnknownFields:
      return pb_varint_field(9, 300) + tag(10, 1) + std::string(8, '\x11') +
             fields(m, false, 0, 0) + pb_bytes_field(11, "unknown") + tag(12, 5) +
             std::string(4, '\x22') + pb_varint_field(1000, 1);
    case ResponseForm::kNonMinimalVarints:
      return fields(m, false, 2, 3);
    case ResponseForm::kTenByteVarints:
      return fields(m, false, 5, 10);
    case ResponseForm::kRepeatedFields: {
      Message decoy;
      decoy.set_key(m.key() + "decoy");
      decoy.set_value(m.value() + "decoy");
      decoy.set_kind(m.kind() + 1);
      decoy.set_status(static_cast<Status>(m.status() == Ok ? NotOk : Ok));
      return fields(decoy, true, 0, 0) + fields(m, true, 0, 0);
    }
    case ResponseForm::kGroups:
      // Group 14 holding a varint, a string and group 15 (nested), before
      // the fields; an empty group 16 after them.
      return tag(14, kWireStartGroup) + pb_varint_field(1, 7) + pb_bytes_field(2, "in group") +
             tag(15, kWireStartGroup) + pb_varint_field(3, 1) + tag(15, kWireEndGroup) +
             tag(14, kWireEndGroup) + fields(m, false, 0, 0) + tag(16, kWireStartGroup) +
             tag(16, kWireEndGroup);
    case ResponseForm::kLargeUnknownField:
      return pb_bytes_field(13, std::string(100 * 1024, 'u')) + fields(m, false, 0, 0) +
             pb_varint_field(536870911, 5);
  }
  return fields(m, false, 0, 0);
}

std::string response_frame(const Message& message, ResponseForm form) {
  return encode_raw_frame_to_string(response_body(message, form));
}

std::vector<std::pair<std::string, std::string>> malformed_body_tails() {
  return {
      {"a value longer than the body", std::string("\x12\x05"
                                                   "ab",
                                                   4)},
      {"a status tag with no value", "\x20"},
      {"a varint cut short", std::string("\x20\x80", 2)},
      {"a varint of 11 bytes", fmt::format("\x20{}\x01", std::string(10, '\xff'))},
      {"a fixed64 cut short", std::string("\x51\x01\x02", 3)},
      {"a fixed32 cut short", std::string("\x55\x01", 2)},
      {"wire type 6", "\x56"},
      {"wire type 7", "\x57"},
      {"field number 0", std::string("\x00\x01", 2)},
      {"an end-group tag with no group", "\x5c"},
      {"a group never closed", std::string("\x5b\x08\x01", 3)},
      {"a key length beyond the body", "\x0a\x7f"},
  };
}

}  // namespace kv
