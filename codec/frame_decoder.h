// The incremental frame decoder (SPEC sections 2, 3 and 6).
//
// The decoder does no I/O. Its owner feeds it bytes in chunks of any size
// (or reads straight into input()), then calls next() until it returns
// kNeedMore or a framing error, and calls finish() once the stream has
// ended. Frames come out in stream order.
//
//   kv::FrameDecoder decoder;
//   kv::Message message;
//   decoder.feed(bytes);
//   for (;;) {
//     kv::DecodeResult r = decoder.next(message);
//     if (r.status == kv::DecodeStatus::kFrame) { use(message); continue; }
//     if (r.status == kv::DecodeStatus::kBadBody) { reply_error(); continue; }
//     break;  // kNeedMore: feed more; kFramingError: give up on the stream.
//   }
//
// Two ways to receive a frame's message, with the same results otherwise:
//  - next(Message&) parses the body with parse_message() into a
//    kv::Message, which owns copies of the key and the value. The message
//    is exactly what protobuf's ParseFromArray makes of the body (unknown
//    fields included); parse_message() reads the body with the view parser
//    and calls protobuf itself only for a body with unknown fields;
//  - next_view(MessageView&) parses it with parse_message_view() into views
//    of the decoder's own input buffer: no copy at all.
//    Use it where the message is looked at and dropped (a GET, a dump, a
//    check), and copy what must outlive the rules below.
// The two may be mixed on one decoder, frame by frame.
//
//   kv::MessageView view;
//   decoder.feed(bytes);
//   while (decoder.next_view(view).status == kv::DecodeStatus::kFrame) {
//     lookup(view.key);  // view.key stays valid until the next feed().
//   }
#pragma once

#include <cstdint>
#include <span>

#include "buffer.h"
#include "frame_error.h"
#include "frame_format.h"
#include "message.h"
#include "message_view.h"

namespace kv {

struct DecoderOptions {
  // The largest legal LEN, in [kMinFrameLen, kMaxConfigurableFrameLen].
  std::uint32_t max_frame_len = kDefaultMaxFrameLen;
};

enum class DecodeStatus {
  // A whole, valid frame was decoded into the caller's message.
  kFrame,
  // The buffered bytes hold no whole frame yet. After finish(): the stream
  // ended cleanly, on a frame boundary.
  kNeedMore,
  // A well-framed body failed to parse as a KeyValueMessage. The frame has
  // been consumed; the next call to next() continues with the next frame.
  kBadBody,
  // A framing error (or, from finish(), truncation). The decoder is now
  // failed: every later call returns the same result.
  kFramingError,
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kNeedMore;
  // The error class, for kBadBody and kFramingError.
  FrameError error = FrameError::kBadBody;
  // The stream offset of the first byte of the frame this result is about
  // (its LEN header), for every status but kNeedMore.
  std::uint64_t offset = 0;
  // The frame's LEN, for kFrame, kBadBody and kBadFooter; and for
  // kLengthTooSmall and kLengthTooLarge, the rejected LEN. Zero for
  // kTruncated when fewer than four header bytes arrived.
  std::uint32_t len = 0;
};

class FrameDecoder {
 public:
  // Throws std::invalid_argument if options.max_frame_len is out of range.
  explicit FrameDecoder(DecoderOptions options = {});

  // Appends bytes to the decoder's input. A failed decoder drops them, so
  // that its memory stays bounded whatever its owner keeps feeding it.
  void feed(std::span<const std::uint8_t> bytes) {
    if (!failed()) input_.append(bytes);
  }

  // The input buffer, so that I/O code can read into it without a copy
  // (ensure_writable, write_ptr, commit). Readable bytes must not be
  // consumed by anyone but the decoder.
  Buffer& input() { return input_; }
  const Buffer& input() const { return input_; }

  // Decodes the next frame from the input. On kFrame, `message` holds the
  // frame's message, equal to what message.ParseFromArray(body) gives
  // (codec/message_parse.h); otherwise its contents are unspecified. A body
  // is a bad body exactly when ParseFromArray rejects it. LEN is judged
  // from the four header bytes alone, before the body is awaited, and
  // nothing is allocated in proportion to it.
  DecodeResult next(Message& message) {
    // The common "nothing more buffered" answer stays inline: a server asks
    // once more after every batch of frames.
    if (input_.readable_bytes() < kHeaderBytes && !failed()) return {};
    return decode_frame(message);
  }

  // Decodes the next frame exactly like next(), but on kFrame fills `view`
  // with views into this decoder's input buffer instead of copying the key
  // and the value (otherwise `view`'s contents are unspecified). A bad body
  // is reported for exactly the bodies next() reports, with the same
  // offsets and LENs.
  //
  // Lifetime: view.key and view.value point at bytes the decoder has
  // consumed. They stay valid until bytes are next added to the input
  // (feed(), input().append(), or a read into input().write_ptr()), until
  // its storage changes (input().ensure_writable(),
  // input().release_if_empty()), or until the decoder is destroyed or
  // moved: the bytes may then be overwritten or freed. next(), next_view()
  // and finish() neither move nor overwrite them, so the views of all the
  // frames of one batch can be used together before the next read.
  DecodeResult next_view(MessageView& view) {
    if (input_.readable_bytes() < kHeaderBytes && !failed()) return {};
    return decode_frame_view(view);
  }

  // Tells the decoder that the stream has ended, after next() returned
  // kNeedMore. Returns kNeedMore for a clean end, or kFramingError with
  // kTruncated (and the partial frame's offset) if bytes of an unfinished
  // frame are buffered. A failed decoder repeats its failure.
  DecodeResult finish();

  bool failed() const { return failure_.status == DecodeStatus::kFramingError; }
  // The stream offset of the next undecoded byte.
  std::uint64_t offset() const { return offset_; }
  const DecoderOptions& options() const { return options_; }

 private:
  // next() and next_view() once at least a header is buffered, or the
  // decoder has failed.
  DecodeResult decode_frame(Message& message);
  DecodeResult decode_frame_view(MessageView& view);
  // Their common part: finds the next whole frame and checks its framing,
  // then calls parse_body(body, body_bytes) -> bool.
  template <typename ParseBody>
  DecodeResult decode_frame_with(ParseBody parse_body);
  DecodeResult fail(FrameError error, std::uint32_t len);

  DecoderOptions options_;
  Buffer input_;
  std::uint64_t offset_ = 0;
  DecodeResult failure_;
};

}  // namespace kv
