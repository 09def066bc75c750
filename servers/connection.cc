#include "servers/connection.h"

#include <algorithm>
#include <new>
#include <string>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"

namespace kv {
namespace {

// Strings up to this capacity live inside the std::string object.
// Not constexpr: clang 14 cannot evaluate libstdc++ 12's std::string in a
// constant expression, and the fuzz targets (fuzz/) build this file with it.
const std::size_t kInlineStringBytes = std::string().capacity();

std::size_t heap_bytes(const std::string& text) {
  return text.capacity() > kInlineStringBytes ? text.capacity() : 0;
}

std::size_t heap_bytes(const Message& message) {
  return heap_bytes(message.key()) + heap_bytes(message.value());
}

}  // namespace

Connection::Connection(const RequestHandler& handler, const ConnectionOptions& options,
                       TimePoint now, ConnectionRegistry::Entry entry)
    : handler_(handler),
      options_(options),
      decoder_(DecoderOptions{options.max_frame_len}),
      entry_(std::move(entry)),
      last_activity_(now),
      waiting_since_(now) {}

void Connection::on_input(TimePoint now) {
  last_activity_ = now;
  if (phase_ == Phase::kOpen) {
    decode_available(now);
  } else {
    // Bytes after a framing error or after the end of the requests are
    // never decoded (SPEC 6.1).
    discard_input();
  }
  settle(now);
}

void Connection::on_eof(TimePoint now) {
  eof_seen_ = true;
  if (phase_ == Phase::kLingering) {
    phase_ = Phase::kDone;
  } else if (phase_ == Phase::kOpen) {
    decode_available(now);
  }
  settle(now);
}

void Connection::on_output_written(std::size_t n, TimePoint now) {
  if (n == 0) return;
  // decode_available stops only at a frame it cannot complete, at a phase
  // change, at a pause, or above the soft limit; only the last can end with
  // this write.
  const bool held_back = output_.readable_bytes() > options_.output_soft_limit;
  output_.consume(n);
  last_activity_ = now;
  // Resumes decoding frames that backpressure held back.
  if (phase_ == Phase::kOpen && held_back) decode_available(now);
  finish_flushing_if_done();
  settle(now);
}

void Connection::on_write_shutdown(TimePoint now) {
  if (phase_ != Phase::kFlushingThenShutdown) return;
  // Lingering waits for the peer's EOF; if that came already, we are done.
  phase_ = eof_seen_ ? Phase::kDone : Phase::kLingering;
  close_deadline_ = std::min(close_deadline_, now + options_.error_close_delay);
  settle(now);
}

void Connection::on_tick(TimePoint now) {
  // Decoding may have stopped for the budget, which has room again now.
  if (phase_ == Phase::kOpen) decode_available(now);
  if (now - last_activity_ >= options_.buffer_retention) release_empty_storage(0);
  settle(now);
}

void Connection::on_out_of_memory(TimePoint now) noexcept {
  try {
    // Freeing first leaves room for the small error response.
    close_early(true, now + options_.error_close_delay);
    settle(now);
    entry_.note_out_of_memory();
  } catch (const std::bad_alloc&) {
    // Not even the error response fits: the connection is closed without
    // it, which SPEC 12.1 allows; the other connections are unaffected.
    phase_ = Phase::kDone;
  }
}

void Connection::begin_drain() {
  draining_ = true;
}

void Connection::on_input_drained(TimePoint now) {
  if (phase_ != Phase::kOpen) return;
  // Every complete frame has been answered (the owner reads only while
  // wants_read(), which backpressure and pauses turn off); what is left
  // is a partial frame, which gets the error response (SPEC 12.5).
  close_early(holds_unanswered_input(), TimePoint::max());
  settle(now);
}

void Connection::on_output_acknowledged() {
  if (wants_acknowledgement()) phase_ = Phase::kDone;
}

bool Connection::wants_read() const {
  switch (phase_) {
    case Phase::kOpen:
      return !eof_seen_ && output_.readable_bytes() <= options_.output_soft_limit && !paused();
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

std::size_t Connection::held_bytes() const {
  return decoder_.input().capacity() + output_.capacity() + heap_bytes(request_) +
         heap_bytes(response_);
}

void Connection::decode_available(TimePoint now) {
  while (phase_ == Phase::kOpen && output_.readable_bytes() <= options_.output_soft_limit &&
         !entry_.must_pause()) {
    if (request_waiting_) {
      if (!answer_request(now)) return;
      continue;
    }
    const DecodeResult result = decoder_.next(request_);
    switch (result.status) {
      case DecodeStatus::kFrame:
        if (!answer_request(now)) return;
        break;
      case DecodeStatus::kBadBody:
        append_response(make_error_response());
        waiting_since_ = now;
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

bool Connection::answer_request(TimePoint now) {
  // A large value is counted in the budget before it is copied: twice,
  // since it is copied into response_ and then framed into the output.
  const auto admit = [this](std::size_t value_bytes) {
    return entry_.try_reserve(2 * (value_bytes + request_.key().size()));
  };
  if (!handler_.handle_admitted(request_, response_, kBudgetFloorBytes / 2, admit)) {
    request_waiting_ = true;
    return false;
  }
  request_waiting_ = false;
  append_response(response_);
  waiting_since_ = now;
  // A large request or response is not kept for the next frame.
  if (heap_bytes(request_) + heap_bytes(response_) > options_.retained_storage_bytes) {
    request_ = Message();
    response_ = Message();
  }
  return true;
}

void Connection::enter_framing_error(TimePoint now) {
  append_response(make_error_response());
  phase_ = Phase::kFlushingThenShutdown;
  close_deadline_ = now + options_.error_close_delay;
  discard_input();
}

void Connection::close_early(bool answer_with_error, TimePoint close_by) {
  discard_input();
  request_waiting_ = false;
  request_ = Message();
  response_ = Message();
  if (answer_with_error) append_response(make_error_response());
  phase_ = Phase::kFlushingThenShutdown;
  close_deadline_ = std::min(close_deadline_, close_by);
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

void Connection::release_empty_storage(std::size_t keep) {
  if (decoder_.input().capacity() > keep) decoder_.input().release_if_empty();
  if (output_.capacity() > keep) output_.release_if_empty();
  // A request waiting for room in the budget is kept.
  if (!request_waiting_ && heap_bytes(request_) + heap_bytes(response_) > keep) {
    request_ = Message();
    response_ = Message();
  }
}

void Connection::settle(TimePoint now) {
  const Eviction eviction = entry_.eviction();
  const bool evict = eviction != Eviction::kNone && phase_ == Phase::kOpen;
  // Evicted (SPEC 12.4): unanswered input is replaced by the error response.
  if (evict) close_early(holds_unanswered_input(), now + options_.error_close_delay);
  release_empty_storage(options_.retained_storage_bytes);
  const bool unfinished = phase_ == Phase::kOpen && !decoder_.input().empty();
  entry_.report_holdings(held_bytes(), unfinished ? decoder_.input().capacity() : 0);
  if (phase_ == Phase::kOpen && output_.empty() && !request_waiting_) {
    entry_.report_waiting_since(waiting_since_);
  } else {
    entry_.report_busy();
  }
  if (eviction != Eviction::kNone && phase_ != Phase::kOpen) entry_.eviction_done();
}

}  // namespace kv
