// A byte stream decoded into the list of events a decoder reports for it
// (SPEC 6.6): the one model of "what does this stream decode to", shared by
// kvdump, the fuzz targets and the codec and vector tests.
//
// An event is a decoded frame with its fields, a bad body, or the framing
// error (truncation included) that ended the stream; each carries the
// stream offset of its frame's first LEN byte and the LEN. A stream that
// ends cleanly on a frame boundary has no final event, and a framing error
// is always the last event. Events compare with == and print with <<, so
// that two decodings of one stream (whole and in pieces, or with protobuf
// and with the view parser) can be set side by side.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/frame_decoder.h"
#include "codec/frame_error.h"
#include "codec/message.h"
#include "codec/message_view.h"

namespace kv {

// The four fields of a KeyValueMessage as plain owned values.
struct MessageFields {
  std::string key;
  std::string value;
  std::uint32_t kind = 0;
  std::int32_t status = 0;

  friend bool operator==(const MessageFields&, const MessageFields&) = default;
};

MessageFields fields_of(const Message& message);
MessageFields fields_of(const MessageView& view);
Message to_message(const MessageFields& fields);

struct StreamEvent {
  // The stream offset of the first LEN byte of the frame the event is about.
  std::uint64_t offset = 0;
  // That frame's LEN: for length-too-small and length-too-large the
  // rejected LEN, and 0 for truncation inside the four header bytes.
  std::uint32_t len = 0;
  // No value for a decoded frame; FrameError::kBadBody for a bad body;
  // otherwise the class of the framing error that ended the stream.
  std::optional<FrameError> error;
  // The decoded frame's fields; all default for the error events.
  MessageFields message;

  bool is_frame() const { return !error.has_value(); }
  friend bool operator==(const StreamEvent&, const StreamEvent&) = default;
};

using StreamEvents = std::vector<StreamEvent>;

StreamEvent frame_event(std::uint64_t offset, std::uint32_t len, MessageFields message);
StreamEvent bad_body_event(std::uint64_t offset, std::uint32_t len);
StreamEvent framing_error_event(FrameError error, std::uint64_t offset, std::uint32_t len);

// The event for one result of FrameDecoder::next(), next_view() or
// finish(); std::nullopt for kNeedMore. `message` is used only for kFrame.
std::optional<StreamEvent> event_of(const DecodeResult& result, MessageFields message);

// `frame @0 len 13 {key: [6b], value: [76], kind: 3, status: 0}`,
// `bad-body @11 len 6`, `bad-footer @0 len 13`: the class, the offset and
// the LEN; keys and values in hex.
std::ostream& operator<<(std::ostream& os, const MessageFields& fields);
std::ostream& operator<<(std::ostream& os, const StreamEvent& event);
// All events on one line, in brackets, separated by "; ".
std::string describe(const StreamEvents& events);
// Bytes as lower-case hex pairs separated by spaces ("0a 03 6b"), for
// failure messages.
std::string hex(std::string_view bytes);

// Which parser turns a frame's body into fields. The decoder checks the
// framing the same way for all three; only the body's parse differs.
enum class BodyParser {
  // The reference: protobuf's ParseFromArray alone, called here on the
  // bytes of each body that the decoder's next_view() has framed; neither
  // view parser's verdict nor its fields are used.
  kProtobuf,
  // FrameDecoder::next(Message&), which parses with parse_message().
  kMessage,
  // FrameDecoder::next_view(MessageView&), which parses with
  // parse_message_view().
  kView,
};

// The parser's name for failure messages, e.g. "next() (parse_message)".
const char* describe(BodyParser parser);

// Incremental decoding, for a caller that feeds `decoder` itself (kvdump
// reads into decoder.input()). drain_events() appends an event for every
// frame and bad body buffered, until the decoder needs more input, and the
// framing error if it meets one; decoder.failed() then says to stop
// feeding. finish_events() ends the stream: it drains, then appends the
// truncation event if finish() reports one. A failed decoder adds nothing.
void drain_events(FrameDecoder& decoder, BodyParser parser, StreamEvents& events);
void finish_events(FrameDecoder& decoder, BodyParser parser, StreamEvents& events);

// Decodes a whole stream with a new decoder: `stream` is fed in pieces cut
// at `cuts` (ascending offsets; out-of-range or descending cuts are
// clamped), draining after every piece, and feeding stops at the first
// framing error. With no cuts the stream is fed at once. By SPEC 2.5 the
// events never depend on the cuts. The default parser is next()'s, the one
// the kit's programs use; pass BodyParser::kProtobuf for the reference.
StreamEvents decode_stream(std::span<const std::uint8_t> stream,
                           std::span<const std::size_t> cuts = {}, DecoderOptions options = {},
                           BodyParser parser = BodyParser::kMessage);

// The cuts that feed `stream_bytes` bytes in pieces of `chunk_sizes[0]`,
// `chunk_sizes[1]`, ... cycling through the list; a zero size, or an empty
// list, stands for one byte.
std::vector<std::size_t> chunk_cuts(std::size_t stream_bytes,
                                    std::span<const std::size_t> chunk_sizes);

}  // namespace kv
