// Where a broken_kvserver connection gets its frames from. The correct
// source is the codec's FrameDecoder; the framing flaws are other sources,
// each differing from the correct behaviour in one respect.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "codec/frame_error.h"
#include "codec/message.h"
#include "flaw.h"

namespace kv {

enum class FrameEvent {
  kFrame,         // A whole frame; the message holds its body.
  kBadBody,       // A well-framed body that does not parse.
  kNeedMore,      // No whole frame is buffered.
  kFramingError,  // The stream is broken; every later call repeats this.
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // Adds the bytes of one read() to the input.
  virtual void on_read(std::span<const std::uint8_t> bytes) = 0;

  // The next frame of the input, in stream order.
  virtual FrameEvent next(Message& message) = 0;

  // After next() returned kNeedMore: the buffered bytes of the unfinished
  // frame, from its LEN header on (empty if none).
  virtual std::span<const std::uint8_t> partial() = 0;

  // After next() returned kFramingError: the error's class and the LEN it
  // judged. Only the codec's decoder knows them; other sources report
  // kTruncated (never a class next() reports) and 0.
  virtual FrameError last_error() const { return FrameError::kTruncated; }
  virtual std::uint32_t last_len() const { return 0; }
};

// The source for `flaw`: the codec's decoder with `max_frame_len` unless
// the flaw is a framing flaw.
std::unique_ptr<FrameSource> make_frame_source(Flaw flaw, std::uint32_t max_frame_len);

}  // namespace kv
