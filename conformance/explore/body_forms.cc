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
    case BodyForm::kReversedFields:
      if (r.status != 0) body += pb_varint_field(kStatusField, r.status);
      if (kind != 0) body += pb_varint_field(kKindField, kind);
      if (has_value && !r.value.empty()) body += pb_bytes_field(kValueField, r.value);
      if (!key.empty()) body += pb_bytes_field(kKeyField, key);
      return body;
    case BodyForm::kNonMinimalLengths:
      if (!key.empty()) {
        body += padded_varint((kKeyField << 3U) | 2U, 1) + padded_varint(key.size(), 2) + key;
      }
      if (has_value && !r.value.empty()) {
        body += padded_varint((kValueField << 3U) | 2U, 2) + padded_varint(r.value.size(), 1) +
                r.value;
      }
      if (kind != 0) body += padded_varint(kKindField << 3U, 3) + pb_varint(kind);
      if (r.status != 0) body += padded_varint(kStatusField << 3U, 1) + pb_varint(r.status);
      return body;
    case BodyForm::kWrongWireTypes:
      // Field 1 as a varint, 2 as fixed32, 3 as length-delimited, 4 as
      // fixed64: each is an unknown field (SPEC 4.2), then the real ones.
      body += pb_varint_field(kKeyField, 7);
      body += pb_varint((kValueField << 3U) | 5U) + std::string(4, 'v');
      body += pb_bytes_field(kKindField, "\x02");
      body += pb_varint((kStatusField << 3U) | 1U) + std::string(8, '\x01');
      if (!key.empty()) body += pb_bytes_field(kKeyField, key);
      if (has_value && !r.value.empty()) body += pb_bytes_field(kValueField, r.value);
      if (kind != 0) body += pb_varint_field(kKindField, kind);
      if (r.status != 0) body += pb_varint_field(kStatusField, r.status);
      return body;
    case BodyForm::kUnknownGroup:
      // Group 9 holding a key and a kind of its own: all of it is skipped.
      body += pb_varint((9U << 3U) | 3U) + pb_bytes_field(kKeyField, "decoy") +
              pb_varint_field(kKindField, 2) + pb_varint((9U << 3U) | 4U);
      if (!key.empty()) body += pb_bytes_field(kKeyField, key);
      if (has_value && !r.value.empty()) body += pb_bytes_field(kValueField, r.value);
      if (kind != 0) body += pb_varint_field(kKindField, kind);
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
