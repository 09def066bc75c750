#include "tools/kvdump/frame_events.h"

#include <stdexcept>
#include <string>

namespace kv {

FrameEvent frame_event(const DecodeResult& result, const Message& message) {
  FrameEvent event;
  event["offset"] = result.offset;
  switch (result.status) {
    case DecodeStatus::kFrame:
      event["len"] = result.len;
      event["key"] = message.key();
      event["value"] = message.value();
      event["kind"] = message.kind();
      event["status"] = static_cast<int>(message.status());
      return event;
    case DecodeStatus::kBadBody:
      event["len"] = result.len;
      event["error"] = std::string(frame_error_name(result.error));
      return event;
    case DecodeStatus::kFramingError:
      event["error"] = std::string(frame_error_name(result.error));
      return event;
    case DecodeStatus::kNeedMore:
      break;
  }
  throw std::logic_error("frame_event: kNeedMore has no event");
}

bool is_error_event(const FrameEvent& event) { return event.contains("error"); }

void drain_frame_events(FrameDecoder& decoder, Message& message, const FrameEventSink& sink) {
  for (;;) {
    const DecodeResult result = decoder.next(message);
    if (result.status == DecodeStatus::kNeedMore) return;
    sink(frame_event(result, message));
    if (result.status == DecodeStatus::kFramingError) return;
  }
}

void finish_frame_events(FrameDecoder& decoder, Message& message, const FrameEventSink& sink) {
  if (decoder.failed()) return;
  drain_frame_events(decoder, message, sink);
  if (decoder.failed()) return;
  const DecodeResult result = decoder.finish();
  if (result.status != DecodeStatus::kNeedMore) sink(frame_event(result, message));
}

}  // namespace kv
