#include "servers/connection.h"

#include <algorithm>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"

namespace kv {

Connection::Connection(const RequestHandler& handler, const ConnectionOptions& options,
                       TimePoint now)
    : handler_(handler),
      options_(options),
      decoder_(DecoderOptions{options.max_frame_len}),
      last_activity_(now) {}

void Connection::on_input(TimePoint now) {
  last_activity_ = now;
  if (phase_ == Phase::kOpen) {
    decode_available(now);
  } else {
    // Bytes after a framing error or after the end of the requests are
    // never decoded (SPEC 6.1).
    discard_input();
  }
}

void Connection::on_eof(TimePoint now) {
  eof_seen_ = true;
  if (phase_ == Phase::kLingering) {
    phase_ = Phase::kDone;
  } else if (phase_ == Phase::kOpen) {
    decode_available(now);
  }
}

void Connection::on_output_written(std::size_t n, TimePoint now) {
  if (n == 0) return;
  // decode_available stops only at a frame it cannot complete, at a phase
  // change, or above the soft limit; only the last can end with this write.
  const bool held_back = output_.readable_bytes() > options_.output_soft_limit;
  output_.consume(n);
  last_activity_ = now;
  // Resumes decoding frames that backpressure held back.
  if (phase_ == Phase::kOpen && held_back) decode_available(now);
  finish_flushing_if_done();
}

void Connection::on_write_shutdown() {
  if (phase_ != Phase::kFlushingThenShutdown) return;
  // Lingering waits for the peer's EOF; if that came already, we are done.
  phase_ = eof_seen_ ? Phase::kDone : Phase::kLingering;
}

bool Connection::wants_read() const {
  switch (phase_) {
    case Phase::kOpen:
      return !eof_seen_ && output_.readable_bytes() <= options_.output_soft_limit;
    case Phase::kLingering:
      return !eof_seen_;
    default:
      return false;
  }
}

bool Connection::wants_write_shutdown() const {
  return phase_ == Phase::kFlushingThenShutdown && output_.empty();
}

Connection::TimePoint Connection::deadline() const {
  TimePoint idle = TimePoint::max();
  if (options_.idle_timeout.count() > 0) idle = last_activity_ + options_.idle_timeout;
  return std::min(idle, close_deadline_);
}

std::size_t Connection::buffer_capacity() const {
  return decoder_.input().capacity() + output_.capacity();
}

void Connection::decode_available(TimePoint now) {
  while (phase_ == Phase::kOpen && output_.readable_bytes() <= options_.output_soft_limit) {
    const DecodeResult result = decoder_.next(request_);
    switch (result.status) {
      case DecodeStatus::kFrame:
        handler_.handle(request_, response_);
        append_response(response_);
        break;
      case DecodeStatus::kBadBody:
        append_response(make_error_response());
        break;
      case DecodeStatus::kFramingError:
        enter_framing_error(now);
        return;
      case DecodeStatus::kNeedMore:
        if (eof_seen_) {
          // Clean end or truncation: either way no more requests, and a
          // partial frame is dropped without effect (SPEC 6.5).
          phase_ = Phase::kFlushingThenClose;
          discard_input();
          finish_flushing_if_done();
        }
        return;
    }
  }
}

void Connection::enter_framing_error(TimePoint now) {
  append_response(make_error_response());
  phase_ = Phase::kFlushingThenShutdown;
  close_deadline_ = now + options_.error_close_delay;
  discard_input();
}

void Connection::append_response(const Message& response) {
  // A GET response carries the request's key and the stored value, so it
  // can exceed the frame limit even though both requests fitted; it is then
  // answered with the error response. The error response (7 bytes of LEN)
  // is always sent, even under a configured maximum below its size.
  if (encode_frame(response, output_, options_.max_frame_len)) {
    encode_frame(make_error_response(), output_, kMaxConfigurableFrameLen);
  }
}

void Connection::finish_flushing_if_done() {
  if (phase_ == Phase::kFlushingThenClose && output_.empty()) phase_ = Phase::kDone;
}

void Connection::discard_input() {
  // Only reached once the decoder will never be asked for another frame,
  // so replacing it (and freeing its buffer) cannot change any answer.
  decoder_ = FrameDecoder(decoder_.options());
}

void Connection::release_idle_buffers(TimePoint now) {
  if (now - last_activity_ < options_.buffer_retention) return;
  decoder_.input().release_if_empty();
  output_.release_if_empty();
}

}  // namespace kv
