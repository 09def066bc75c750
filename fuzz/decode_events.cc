#include "fuzz/decode_events.h"

#include <algorithm>

namespace kv::fuzz {
namespace {

DecodeEvent to_event(const DecodeResult& result, const Message& message) {
  DecodeEvent event{result.status, result.error, result.offset, result.len, {}};
  if (result.status == DecodeStatus::kFrame) event.message = message.SerializeAsString();
  return event;
}

// Calls next() until the decoder needs more input or has failed, recording
// every frame and error. Returns false once the decoder has failed.
bool drain(FrameDecoder& decoder, Message& message, DecodeEvents& events) {
  for (;;) {
    const DecodeResult result = decoder.next(message);
    if (result.status == DecodeStatus::kNeedMore) return true;
    events.push_back(to_event(result, message));
    if (result.status == DecodeStatus::kFramingError) return false;
  }
}

void record_finish(FrameDecoder& decoder, DecodeEvents& events) {
  // A failed decoder repeats its failure, which drain() already recorded.
  if (decoder.failed()) return;
  const Message unused;
  events.push_back(to_event(decoder.finish(), unused));
}

const char* status_name(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::kFrame: return "frame";
    case DecodeStatus::kNeedMore: return "need-more";
    case DecodeStatus::kBadBody: return "bad-body";
    case DecodeStatus::kFramingError: return "framing-error";
  }
  return "unknown-status";
}

}  // namespace

DecodeEvents decode_whole(std::span<const std::uint8_t> stream, DecoderOptions options) {
  FrameDecoder decoder(options);
  Message message;
  DecodeEvents events;
  decoder.feed(stream);
  drain(decoder, message, events);
  record_finish(decoder, events);
  return events;
}

DecodeEvents decode_chunked(std::span<const std::uint8_t> stream,
                            std::span<const std::size_t> chunk_sizes, DecoderOptions options) {
  FrameDecoder decoder(options);
  Message message;
  DecodeEvents events;
  std::size_t next_size = 0;
  while (!stream.empty()) {
    std::size_t size = 1;
    if (!chunk_sizes.empty()) {
      size = std::max<std::size_t>(1, chunk_sizes[next_size]);
      next_size = (next_size + 1) % chunk_sizes.size();
    }
    size = std::min(size, stream.size());
    decoder.feed(stream.first(size));
    stream = stream.subspan(size);
    if (!drain(decoder, message, events)) break;
  }
  record_finish(decoder, events);
  return events;
}

std::string describe(const DecodeEvents& events) {
  std::string text;
  for (const DecodeEvent& event : events) {
    if (!text.empty()) text += "; ";
    text += status_name(event.status);
    if (event.status == DecodeStatus::kFramingError) {
      text += " ";
      text += frame_error_name(event.error);
    }
    text += " @" + std::to_string(event.offset) + " len=" + std::to_string(event.len);
    if (event.status == DecodeStatus::kFrame) {
      text += " body=" + std::to_string(event.message.size()) + "B";
    }
  }
  return "[" + text + "]";
}

}  // namespace kv::fuzz
