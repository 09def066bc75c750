// Decoder results as JSON events: the one rendering shared by kvdump and the
// spec/vectors tests (SPEC 6.6; format in spec/vectors/README.md).
//
// A decoded frame is {"offset","len","key","value","kind","status"}; a
// well-framed bad body is {"offset","len","error":"bad-body"}; a framing
// error or truncation is {"offset","error":CLASS} and is always the last
// event of its stream. Keys come out in that order.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "codec/frame_decoder.h"
#include "codec/message.h"

namespace kv {

using FrameEvent = nlohmann::ordered_json;

// Receives events in stream order.
using FrameEventSink = std::function<void(const FrameEvent&)>;

// The event for one result of FrameDecoder::next() or finish(). `message`
// is read only when result.status is kFrame. Requires a status other than
// kNeedMore.
FrameEvent frame_event(const DecodeResult& result, const Message& message);

// True for the bad-body, framing-error and truncation events.
bool is_error_event(const FrameEvent& event);

// Decodes every whole frame buffered in `decoder`, passing one event per
// frame or bad body to `sink`, until the decoder needs more input or fails.
// A framing error is passed on too; decoder.failed() then tells the caller
// to stop feeding.
void drain_frame_events(FrameDecoder& decoder, Message& message, const FrameEventSink& sink);

// Ends the stream: drains what is buffered, then passes the truncation
// event, if finish() reports one. Passes nothing more on a failed decoder.
void finish_frame_events(FrameDecoder& decoder, Message& message, const FrameEventSink& sink);

}  // namespace kv
