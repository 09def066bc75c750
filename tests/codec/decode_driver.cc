#include "tests/codec/decode_driver.h"

#include <algorithm>

#include "tests/codec/frame_bytes.h"

namespace kv::test {
namespace {

bool ends_draining(const DecodeEvent& event) {
  return event.status == DecodeStatus::kNeedMore || event.status == DecodeStatus::kFramingError;
}

// Appends the results of drain() to `events`, leaving out kNeedMore. Returns
// true if the decoder reported a framing error.
bool drain_into(FrameDecoder& decoder, std::vector<DecodeEvent>& events) {
  for (DecodeEvent& event : drain(decoder)) {
    if (event.status != DecodeStatus::kNeedMore) events.push_back(std::move(event));
  }
  return decoder.failed();
}

}  // namespace

std::vector<DecodeEvent> drain(FrameDecoder& decoder) {
  std::vector<DecodeEvent> events;
  Message message;
  // Every kFrame or kBadBody consumes at least one whole frame, so the loop
  // ends after at most (buffered bytes / 9) + 1 iterations.
  const std::size_t max_results = decoder.input().readable_bytes() / 9 + 1;
  for (std::size_t i = 0; i < max_results; ++i) {
    events.push_back(to_event(decoder.next(message), message));
    if (ends_draining(events.back())) return events;
  }
  return events;
}

std::vector<DecodeEvent> decode_in_pieces(std::string_view stream, std::span<const std::size_t> cuts,
                                          DecoderOptions options) {
  FrameDecoder decoder(options);
  std::vector<DecodeEvent> events;
  std::size_t start = 0;
  bool failed = false;
  for (const std::size_t cut : cuts) {
    const std::size_t end = std::clamp(cut, start, stream.size());
    decoder.feed(as_bytes(stream.substr(start, end - start)));
    start = end;
    failed = drain_into(decoder, events);
    if (failed) break;
  }
  if (!failed) {
    decoder.feed(as_bytes(stream.substr(start)));
    drain_into(decoder, events);
  }
  Message unused;
  events.push_back(to_event(decoder.finish(), unused));
  return events;
}

std::vector<DecodeEvent> decode_at_once(std::string_view stream, DecoderOptions options) {
  return decode_in_pieces(stream, {}, options);
}

}  // namespace kv::test
