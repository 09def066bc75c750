// One decoder result in a comparable, printable form, so that tests can
// state the whole list of results a stream must produce.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "codec/frame_decoder.h"
#include "codec/message.h"

namespace kv::test {

// The four fields of a KeyValueMessage as plain values.
struct MessageFields {
  std::string key;
  std::string value;
  std::uint32_t kind = 0;
  int status = 0;

  friend bool operator==(const MessageFields&, const MessageFields&) = default;
};

MessageFields fields_of(const Message& message);
Message to_message(const MessageFields& fields);

// A DecodeResult normalised to what the decoder's contract fixes: the error
// class only for kBadBody and kFramingError, offset and len for every status
// but kNeedMore, and the decoded message only for kFrame.
struct DecodeEvent {
  DecodeStatus status = DecodeStatus::kNeedMore;
  std::optional<FrameError> error;
  std::uint64_t offset = 0;
  std::uint32_t len = 0;
  std::optional<MessageFields> message;

  friend bool operator==(const DecodeEvent&, const DecodeEvent&) = default;
};

// `message` is read only when result.status is kFrame.
DecodeEvent to_event(const DecodeResult& result, const Message& message);

DecodeEvent frame_event(std::uint64_t offset, std::uint32_t len, MessageFields message);
DecodeEvent bad_body_event(std::uint64_t offset, std::uint32_t len);
DecodeEvent framing_error_event(FrameError error, std::uint64_t offset, std::uint32_t len);
DecodeEvent need_more_event();

std::ostream& operator<<(std::ostream& os, const MessageFields& fields);
std::ostream& operator<<(std::ostream& os, const DecodeEvent& event);

}  // namespace kv::test
