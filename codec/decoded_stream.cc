#include "codec/decoded_stream.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <utility>

namespace kv {
namespace {

// The next result of the reference parser (BodyParser::kProtobuf): the
// decoder frames the body, and ParseFromArray alone decides whether it is a
// frame or a bad body and what it holds.
std::optional<StreamEvent> next_protobuf_event(FrameDecoder& decoder) {
  // The frame next_view() takes starts at the first readable byte, and its
  // bytes stay in place once consumed (see FrameDecoder::next_view()).
  const std::uint8_t* frame = decoder.input().peek();
  MessageView unused;
  const DecodeResult result = decoder.next_view(unused);
  if (result.status != DecodeStatus::kFrame && result.status != DecodeStatus::kBadBody) {
    return event_of(result, {});
  }
  // A framed LEN is at least kFooterBytes and at most INT_MAX.
  const std::size_t body_bytes = result.len - kFooterBytes;
  Message message;
  if (!message.ParseFromArray(frame + kHeaderBytes, static_cast<int>(body_bytes))) {
    return bad_body_event(result.offset, result.len);
  }
  return frame_event(result.offset, result.len, fields_of(message));
}

// Takes the next result from `decoder` with `parser`: its event, or
// std::nullopt when the decoder needs more input.
std::optional<StreamEvent> next_event(FrameDecoder& decoder, BodyParser parser) {
  switch (parser) {
    case BodyParser::kProtobuf:
      return next_protobuf_event(decoder);
    case BodyParser::kView: {
      MessageView view;
      const DecodeResult result = decoder.next_view(view);
      return event_of(result,
                      result.status == DecodeStatus::kFrame ? fields_of(view) : MessageFields{});
    }
    case BodyParser::kMessage:
      break;
  }
  Message message;
  const DecodeResult result = decoder.next(message);
  return event_of(result,
                  result.status == DecodeStatus::kFrame ? fields_of(message) : MessageFields{});
}

}  // namespace

MessageFields fields_of(const Message& message) {
  return {message.key(), message.value(), message.kind(),
          static_cast<std::int32_t>(message.status())};
}

MessageFields fields_of(const MessageView& view) {
  return {std::string(view.key), std::string(view.value), view.kind, view.status};
}

Message to_message(const MessageFields& fields) {
  Message message;
  message.set_key(fields.key);
  message.set_value(fields.value);
  message.set_kind(fields.kind);
  message.set_status(static_cast<Status>(fields.status));
  return message;
}

StreamEvent frame_event(std::uint64_t offset, std::uint32_t len, MessageFields message) {
  return {offset, len, std::nullopt, std::move(message)};
}

StreamEvent bad_body_event(std::uint64_t offset, std::uint32_t len) {
  return {offset, len, FrameError::kBadBody, {}};
}

StreamEvent framing_error_event(FrameError error, std::uint64_t offset, std::uint32_t len) {
  return {offset, len, error, {}};
}

std::optional<StreamEvent> event_of(const DecodeResult& result, MessageFields message) {
  switch (result.status) {
    case DecodeStatus::kFrame:
      return frame_event(result.offset, result.len, std::move(message));
    case DecodeStatus::kBadBody:
      return bad_body_event(result.offset, result.len);
    case DecodeStatus::kFramingError:
      return framing_error_event(result.error, result.offset, result.len);
    case DecodeStatus::kNeedMore:
      break;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const MessageFields& fields) {
  os << "{key: [";
  os << hex(fields.key) << "], value: [";
  os << hex(fields.value) << "], kind: " << fields.kind << ", status: " << fields.status << "}";
  return os;
}

std::ostream& operator<<(std::ostream& os, const StreamEvent& event) {
  os << (event.error ? frame_error_name(*event.error) : "frame") << " @" << event.offset << " len "
     << event.len;
  if (event.is_frame()) os << " " << event.message;
  return os;
}

std::string describe(const StreamEvents& events) {
  std::ostringstream text;
  text << "[";
  for (std::size_t i = 0; i < events.size(); ++i) text << (i > 0 ? "; " : "") << events[i];
  text << "]";
  return text.str();
}

void drain_events(FrameDecoder& decoder, BodyParser parser, StreamEvents& events) {
  // A failed decoder would repeat its failure, which was reported once.
  if (decoder.failed()) return;
  // Every event but the last consumes a whole frame of at least 9 bytes,
  // so this ends.
  while (std::optional<StreamEvent> event = next_event(decoder, parser)) {
    events.push_back(std::move(*event));
    if (decoder.failed()) return;
  }
}

void finish_events(FrameDecoder& decoder, BodyParser parser, StreamEvents& events) {
  drain_events(decoder, parser, events);
  if (decoder.failed()) return;
  if (std::optional<StreamEvent> truncated = event_of(decoder.finish(), {})) {
    events.push_back(std::move(*truncated));
  }
}

StreamEvents decode_stream(std::span<const std::uint8_t> stream, std::span<const std::size_t> cuts,
                           DecoderOptions options, BodyParser parser) {
  FrameDecoder decoder(options);
  StreamEvents events;
  std::size_t start = 0;
  for (const std::size_t cut : cuts) {
    if (decoder.failed()) break;
    const std::size_t end = std::clamp(cut, start, stream.size());
    decoder.feed(stream.subspan(start, end - start));
    drain_events(decoder, parser, events);
    start = end;
  }
  if (!decoder.failed()) decoder.feed(stream.subspan(start));
  finish_events(decoder, parser, events);
  return events;
}

std::vector<std::size_t> chunk_cuts(std::size_t stream_bytes,
                                    std::span<const std::size_t> chunk_sizes) {
  std::vector<std::size_t> cuts;
  std::size_t at = 0;
  for (std::size_t i = 0;; ++i) {
    const std::size_t size =
        chunk_sizes.empty() ? 1 : std::max<std::size_t>(1, chunk_sizes[i % chunk_sizes.size()]);
    if (size >= stream_bytes - at) return cuts;
    at += size;
    cuts.push_back(at);
  }
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    char digits[4];
    std::snprintf(digits, sizeof digits, "%02x",
                  static_cast<unsigned>(static_cast<unsigned char>(c)));
    if (!out.empty()) out.push_back(' ');
    out.append(digits);
  }
  return out;
}

const char* describe(BodyParser parser) {
  switch (parser) {
    case BodyParser::kProtobuf:
      return "protobuf (the reference)";
    case BodyParser::kMessage:
      return "next() (parse_message)";
    case BodyParser::kView:
      return "next_view() (parse_message_view)";
  }
  return "?";
}

}  // namespace kv
