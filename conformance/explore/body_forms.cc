#include "conformance/explore/body_forms.h"

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

constexpr std::uint32_t kKeyField = 1, kValueField = 2, kKindField = 3, kStatusField = 4;

std::uint32_t wire_kind(const Request& r) {
  switch (r.op) {
    case RequestOp::kPut:
      return kKindPutOrUpdate;
    case RequestOp::kGet:
      return kKindGet;
    default:
      return r.kind;
  }
}

// A varint of `value` padded with `extra` redundant continuation bytes.
std::string padded_varint(std::uint64_t value, int extra) {
  std::string out = pb_varint(value);
  if (extra <= 0) return out;
  out.back() = static_cast<char>(out.back() | 0x80);
  for (int i = 0; i < extra - 1; ++i) out += '\x80';
  out += '\x00';
  return out;
}

std::string body_of(const Request& r, const std::string& key) {
  const bool has_value = r.op == RequestOp::kPut || !r.value.empty();
  const std::uint32_t kind = wire_kind(r);
  std::string body;
  switch (r.form) {
    case BodyForm::kCanonical:
    case BodyForm::kUnknownFields:
      if (r.form == BodyForm::kUnknownFields) {
        body += pb_varint_field(9, 5) + pb_bytes_field(10, "x");
      }
      if (!key.empty()) body += pb_bytes_field(kKeyField, key);
      if (has_value && !r.value.empty()) body += pb_bytes_field(kValueField, r.value);
      if (kind != 0) body += pb_varint_field(kKindField, kind);
      if (r.status != 0) body += pb_varint_field(kStatusField, r.status);
      if (r.form == BodyForm::kUnknownFields) {
        body += pb_varint((11U << 3U) | 5U) + std::string(4, '\x01');  // fixed32
        body += pb_varint((12U << 3U) | 1U) + std::string(8, '\x02');  // fixed64
      }
      return body;
    case BodyForm::kExplicitDefaults:
      body += pb_bytes_field(kKeyField, key);
      body += pb_bytes_field(kValueField, has_value ? r.value : std::string());
      body += pb_varint_field(kKindField, kind);
      body += pb_varint_field(kStatusField, r.status);
      return body;
    case BodyForm::kNonMinimalVarint:
      if (!key.empty()) body += pb_bytes_field(kKeyField, key);
      if (has_value && !r.value.empty()) body += pb_bytes_field(kValueField, r.value);
      body += pb_varint(kKindField << 3U) + padded_varint(kind, 3);
      if (r.status != 0) body += pb_varint(kStatusField << 3U) + padded_varint(r.status, 2);
      return body;
    case BodyForm::kRepeatedFields:
      body += pb_bytes_field(kKeyField, "decoy") + pb_varint_field(kKindField, 2);
      if (has_value) body += pb_bytes_field(kValueField, "decoy");
      body += pb_bytes_field(kKeyField, key);
      if (has_value) body += pb_bytes_field(kValueField, r.value);
      body += pb_varint_field(kKindField, kind);
      if (r.status != 0) body += pb_varint_field(kStatusField, r.status);
      return body;
  }
  return body;
}

std::string framing_error_frame(const Request& r, const std::string& key) {
  switch (r.framing) {
    case FramingClass::kLengthTooSmall:
    case FramingClass::kLengthTooLarge:
      return encode_header_to_string(r.len) + r.value;
    case FramingClass::kBadFooter: {
      Request put = r;
      put.op = RequestOp::kPut;
      std::string frame = encode_raw_frame_to_string(body_of(put, key));
      frame.back() = '#';
      return frame;
    }
  }
  return {};
}

}  // namespace

std::string encode_one(const Request& r) {
  switch (r.op) {
    case RequestOp::kSpoiledPut: {
      Request put = r;
      put.op = RequestOp::kPut;
      return encode_raw_frame_to_string(body_of(put, r.key) +
                                        std::string(kSpoiledTails[r.tail % kSpoiledTailCount]));
    }
    case RequestOp::kGarbageBody:
      return encode_raw_frame_to_string(r.value);
    case RequestOp::kFramingError:
      return framing_error_frame(r, r.key);
    default:
      return encode_raw_frame_to_string(body_of(r, r.key));
  }
}

}  // namespace kv
