#include "tests/codec/decode_event.h"

#include <utility>

#include "tests/codec/frame_bytes.h"

namespace kv::test {
namespace {

const char* status_name(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::kFrame:
      return "frame";
    case DecodeStatus::kNeedMore:
      return "need-more";
    case DecodeStatus::kBadBody:
      return "bad-body";
    case DecodeStatus::kFramingError:
      return "framing-error";
  }
  return "unknown-status";
}

}  // namespace

MessageFields fields_of(const Message& message) {
  return {message.key(), message.value(), message.kind(), static_cast<int>(message.status())};
}

Message to_message(const MessageFields& fields) {
  Message message;
  message.set_key(fields.key);
  message.set_value(fields.value);
  message.set_kind(fields.kind);
  message.set_status(static_cast<Status>(fields.status));
  return message;
}

DecodeEvent to_event(const DecodeResult& result, const Message& message) {
  switch (result.status) {
    case DecodeStatus::kFrame:
      return frame_event(result.offset, result.len, fields_of(message));
    case DecodeStatus::kBadBody:
      return {result.status, result.error, result.offset, result.len, std::nullopt};
    case DecodeStatus::kFramingError:
      return framing_error_event(result.error, result.offset, result.len);
    case DecodeStatus::kNeedMore:
      break;
  }
  return need_more_event();
}

DecodeEvent frame_event(std::uint64_t offset, std::uint32_t len, MessageFields message) {
  return {DecodeStatus::kFrame, std::nullopt, offset, len, std::move(message)};
}

DecodeEvent bad_body_event(std::uint64_t offset, std::uint32_t len) {
  return {DecodeStatus::kBadBody, FrameError::kBadBody, offset, len, std::nullopt};
}

DecodeEvent framing_error_event(FrameError error, std::uint64_t offset, std::uint32_t len) {
  return {DecodeStatus::kFramingError, error, offset, len, std::nullopt};
}

DecodeEvent need_more_event() { return {}; }

std::ostream& operator<<(std::ostream& os, const MessageFields& fields) {
  return os << "{key: [" << hex(fields.key) << "], value: [" << hex(fields.value)
            << "], kind: " << fields.kind << ", status: " << fields.status << "}";
}

std::ostream& operator<<(std::ostream& os, const DecodeEvent& event) {
  os << status_name(event.status);
  if (event.status == DecodeStatus::kNeedMore) return os;
  if (event.error) os << " " << frame_error_name(*event.error);
  os << " @" << event.offset << " len " << event.len;
  if (event.message) os << " " << *event.message;
  return os;
}

}  // namespace kv::test
