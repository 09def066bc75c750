#include "connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"
#include "socket_io.h"

namespace kv {
namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;
constexpr std::chrono::milliseconds kIdleTimeout{10'000};
// The idle-kill-fast flaw's timeout, counted from the last complete frame.
constexpr std::chrono::milliseconds kFastIdleTimeout{80};
// How long drop-on-half-close and drop-last-on-fin wait for a FIN after
// each read.
constexpr std::chrono::milliseconds kFinProbe{50};
// The slow-close flaw's delay before closing after a framing error.
constexpr std::chrono::milliseconds kSlowCloseDelay{3000};
// The truncate-large-writes flaw sends at most this much of a response.
constexpr std::size_t kTruncatedWriteBytes = 64 * 1024;
// The bounded-output-queue flaw keeps at most this many responses per read.
constexpr std::size_t kOutputQueueLimit = 256;
// The stop-after-pause flaw mutes a connection idle for this long.
constexpr std::chrono::milliseconds kMutingPause{220};
// The accept-limit flaw serves this many connections, no more.
constexpr int kAcceptedConnections = 64;
// slower-every-connection: what each ended connection adds to every later
// response batch's wait, once the first kSlowdownFreeConnections have
// ended (a leak that costs nothing until some resource runs short).
constexpr std::chrono::milliseconds kSlowdownPerEndedConnection{5};
constexpr int kSlowdownFreeConnections = 16;
// The timeout-while-output-pending flaw's timeout, counted from the last
// input byte even while responses wait to be written.
constexpr std::chrono::milliseconds kInputOnlyTimeout{1000};
// The mid-frame-timeout-80ms flaw's timeout: silence allowed inside a frame.
constexpr std::chrono::milliseconds kMidFrameTimeout{80};
// The read-frame-limit flaw handles this many frames of one read.
constexpr std::size_t kReadFrameLimit = 4096;
// The leak-slot-on-error-paths flaw's connection slots (kvserver's default
// --max-connections).
constexpr int kConnectionSlots = 1024;
// The idle-timeout-5s flaw's idle timeout (SPEC 9.1 states 10 s): 5 s, a
// default some servers have, and the longest the 9.4 case must catch.
constexpr std::chrono::milliseconds kShortIdleTimeout{5000};

// How each response is sent: sigpipe-kills lets a write to a reset peer
// raise SIGPIPE, which kills the process.
int send_flags(Flaw flaw) {
  return flaw == Flaw::kSigpipeKills ? 0 : MSG_NOSIGNAL;
}

}  // namespace

Connection::Connection(int fd, ServerContext& context)
    : fd_(fd),
      context_(context),
      flaw_(context.flaw),
      handler_(context.flaw == Flaw::kPerConnectionStore ? own_store_ : context.store,
               context.flaw),
      source_(make_frame_source(context.flaw, context.max_frame_len)),
      frame_lock_(context.frame_mutex, std::defer_lock),
      last_frame_time_(Clock::now()),
      last_input_time_(Clock::now()) {
  ++context_.live_connections;
  const std::lock_guard lock(context_.open_mutex);
  context_.open_fds.insert(fd_);
}

Connection::~Connection() {
  close_now();
  ++context_.ended;
  --context_.live_connections;
}

int Connection::take_fd() {
  const std::lock_guard lock(context_.open_mutex);
  context_.open_fds.erase(fd_);
  return std::exchange(fd_, -1);
}

void Connection::close_now() {
  if (fd_ < 0) return;
  ::close(take_fd());
}

bool ServerContext::has_live_connection() {
  const std::lock_guard lock(open_mutex);
  for (const int fd : open_fds) {
    if (!peer_sent_fin(fd, std::chrono::milliseconds(0))) return true;
  }
  return false;
}

[[noreturn]] void wedge_forever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

void Connection::run() {
  if (flaw_ == Flaw::kAcceptLimit && ++context_.accepted > kAcceptedConnections) return;
  if (flaw_ == Flaw::kLeakSlotOnErrorPaths && !take_slot()) return;
  std::vector<std::uint8_t> chunk(kReadChunkBytes);
  Clock::time_point last_byte = Clock::now();
  for (;;) {
    if (context_.draining) {
      drain();
      return;
    }
    const ReadResult result = read_some(fd_, chunk, read_timeout(), context_.drain_wake_fd);
    if (context_.wedged) wedge_forever();
    if (result.status == ReadStatus::kWoken) continue;  // The drain has begun.
    if (result.status == ReadStatus::kEof) {
      on_eof();
      return;
    }
    if (result.status != ReadStatus::kData) return;  // Idle timeout or reset.
    if (flaw_ == Flaw::kStopAfterPause && Clock::now() - last_byte > kMutingPause) muted_ = true;
    last_byte = Clock::now();
    last_input_time_ = last_byte;
    if (muted_) continue;
    if (flaw_ == Flaw::kDropOnHalfClose && peer_sent_fin(fd_, kFinProbe)) return;
    const bool fin_follows = flaw_ == Flaw::kDropLastOnFin && peer_sent_fin(fd_, kFinProbe);
    if (on_bytes(std::span(chunk).first(result.bytes), fin_follows) == Step::kStop) return;
  }
}

Connection::Step Connection::on_bytes(std::span<const std::uint8_t> bytes, bool fin_follows) {
  lock_frame_mutex();
  source_->on_read(bytes);
  Message request;
  for (std::size_t frames = 0;; ++frames) {
    handler_.set_first_in_read(frames == 0);
    // read-frame-limit: the frames of a read past the limit are dropped.
    if (flaw_ == Flaw::kReadFrameLimit && frames == kReadFrameLimit) {
      source_ = make_frame_source(flaw_, context_.max_frame_len);
      break;
    }
    const FrameEvent event = source_->next(request);
    if (event == FrameEvent::kNeedMore) break;
    if (event == FrameEvent::kFramingError) {
      crash_or_wedge_on(source_->last_error());
      run_deferred();
      batch_.push_back(make_error_response());
      if (!send_batch()) after_framing_error();
      return Step::kStop;
    }
    last_frame_time_ = Clock::now();
    const bool reorders = flaw_ == Flaw::kReadsBeforeWrites || flaw_ == Flaw::kWritesBeforeReads ||
                          flaw_ == Flaw::kPipelineInReverse;
    if (event == FrameEvent::kFrame && reorders) {
      deferred_.push_back({batch_.size(), request});
      batch_.emplace_back();
      continue;
    }
    // bad-body-applies-fields: the fields read before the fault are applied.
    if (event == FrameEvent::kBadBody && flaw_ == Flaw::kBadBodyAppliesFields) {
      handler_.apply_partial(request);
    }
    HandlerReply reply =
        event == FrameEvent::kFrame ? handler_.handle(request) : handler_.handle_bad_body();
    if (reply.disposition == Disposition::kAnswerThenClose) {
      batch_.push_back(std::move(reply.response));
    }
    if (reply.disposition != Disposition::kAnswer) {
      if (!send_batch()) close_gracefully(take_fd());
      return Step::kStop;
    }
    batch_.push_back(std::move(reply.response));
  }
  run_deferred();
  // drop-last-on-fin: the frame that ended with the stream is taken for a
  // truncated one after it was applied, and its response is thrown away.
  if (fin_follows && !batch_.empty()) batch_.pop_back();
  if (send_batch()) return Step::kStop;
  unlock_frame_mutex_between_frames();
  return Step::kContinue;
}

void Connection::run_deferred() {
  if (deferred_.empty()) return;
  std::vector<std::size_t> order(deferred_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (flaw_ == Flaw::kPipelineInReverse) std::reverse(order.begin(), order.end());
  if (flaw_ == Flaw::kReadsBeforeWrites || flaw_ == Flaw::kWritesBeforeReads) {
    const std::uint32_t first_kind =
        flaw_ == Flaw::kReadsBeforeWrites ? kKindGet : kKindPutOrUpdate;
    std::stable_partition(order.begin(), order.end(),
                          [&](std::size_t i) { return deferred_[i].request.kind() == first_kind; });
  }
  for (const std::size_t i : order) {
    batch_[deferred_[i].slot] = handler_.handle(deferred_[i].request).response;
  }
  deferred_.clear();
}

bool Connection::take_slot() {
  if (++context_.slots_taken > kConnectionSlots) {
    --context_.slots_taken;
    return false;  // No slot left: the connection is closed at once.
  }
  holds_slot_ = true;
  return true;
}

void Connection::release_slot() {
  if (!holds_slot_) return;
  holds_slot_ = false;
  --context_.slots_taken;
}

void Connection::on_eof() {
  // wedge-after-close: the first client to leave hangs the whole server.
  if (flaw_ == Flaw::kWedgeAfterClose) context_.wedged = true;
  const std::span<const std::uint8_t> partial = source_->partial();
  // leak-slot-on-error-paths: the orderly end (a FIN between frames) is the
  // only one that gives the slot back.
  if (partial.empty()) release_slot();
  if (flaw_ == Flaw::kApplyTruncated) apply_truncated_frame(partial);
  // hang-on-truncation: waits for the rest of the frame that cannot come.
  if (flaw_ == Flaw::kHangOnTruncation && !partial.empty())
    std::this_thread::sleep_for(kIdleTimeout);
  // Truncation (SPEC 6.5): the partial frame is dropped; every complete
  // frame was answered when it arrived (SPEC 8.2).
  close_now();
}

void Connection::drain() {
  std::vector<std::uint8_t> chunk(kReadChunkBytes);
  for (;;) {
    const ReadResult result = read_some(fd_, chunk, std::chrono::milliseconds(0));
    if (result.status == ReadStatus::kEof) {
      on_eof();
      return;
    }
    if (result.status == ReadStatus::kError) {
      close_now();
      return;
    }
    if (result.status != ReadStatus::kData) break;  // No byte available: the input is drained.
    if (on_bytes(std::span(chunk).first(result.bytes), false) == Step::kStop) return;
  }
  // Every complete request has been answered as it arrived.
  if (!source_->partial().empty() && flaw_ != Flaw::kDrainDropsPartial) {
    batch_.push_back(make_error_response());
  }
  if (send_batch()) {
    close_now();
    return;
  }
  close_after_drain(take_fd(), context_.drain_deadline);
}

void Connection::crash_or_wedge_on(FrameError error) {
  const bool len_0 = error == FrameError::kLengthTooSmall && source_->last_len() == 0;
  if ((flaw_ == Flaw::kCrashOnLen0 || flaw_ == Flaw::kCrashNoRebind) && len_0) std::abort();
  if (flaw_ == Flaw::kCrashOnHugeLen && error == FrameError::kLengthTooLarge) std::abort();
  if (flaw_ == Flaw::kWedgeOnBadFooter && error == FrameError::kBadFooter) {
    context_.wedged = true;
    wedge_forever();
  }
}

void Connection::apply_truncated_frame(std::span<const std::uint8_t> partial) {
  if (partial.size() < kHeaderBytes) return;
  const std::uint32_t len = read_frame_len(partial.data());
  if (len < kMinFrameLen) return;
  const std::size_t body_bytes =
      std::min<std::size_t>(partial.size() - kHeaderBytes, len - kFooterBytes);
  Message request;
  if (request.ParseFromArray(partial.data() + kHeaderBytes, static_cast<int>(body_bytes))) {
    handler_.apply_partial(request);
  }
}

void Connection::after_framing_error() {
  switch (flaw_) {
    case Flaw::kNoErrorClose: {
      // Keeps the connection open, discarding input until the peer goes.
      std::vector<std::uint8_t> sink(kReadChunkBytes);
      while (read_some(fd_, sink, kIdleTimeout).status == ReadStatus::kData) {
      }
      close_now();
      return;
    }
    case Flaw::kSlowClose:
      std::this_thread::sleep_for(kSlowCloseDelay);
      break;
    default:
      break;
  }
  close_gracefully(take_fd());
}

std::chrono::milliseconds Connection::read_timeout() const {
  // mid-frame-timeout-80ms: a frame must arrive without pausing 80 ms.
  if (flaw_ == Flaw::kMidFrameTimeout80ms && !source_->partial().empty()) return kMidFrameTimeout;
  if (flaw_ == Flaw::kIdleTimeout5s) return kShortIdleTimeout;
  if (flaw_ != Flaw::kIdleKillFast) return kIdleTimeout;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      last_frame_time_ + kFastIdleTimeout - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::error_code Connection::send_batch() {
  if (batch_.empty()) return {};
  // slower-every-connection: each connection that ended left something
  // behind that every later answer pays for.
  if (flaw_ == Flaw::kSlowerEveryConnection) {
    const int ended = context_.ended.load();
    if (ended > kSlowdownFreeConnections) {
      std::this_thread::sleep_for(kSlowdownPerEndedConnection *
                                  (ended - kSlowdownFreeConnections));
    }
  }
  if (flaw_ == Flaw::kReorderResponses) std::reverse(batch_.begin(), batch_.end());
  if (flaw_ == Flaw::kBoundedOutputQueue && batch_.size() > kOutputQueueLimit) {
    batch_.resize(kOutputQueueLimit);
  }
  if (flaw_ == Flaw::kDropOnBackpressure) return write_dropping_on_backpressure();
  Buffer out;
  bool cut = false;
  for (const Message& response : batch_) cut |= append_response(response, out);
  batch_.clear();
  if (const std::error_code error = write_out(out.readable())) {
    // sigpipe-kills: a naive retry writes to the broken connection again,
    // which raises SIGPIPE.
    if (flaw_ == Flaw::kSigpipeKills) static_cast<void>(write_all(fd_, out.readable(), 0));
    return error;
  }
  // truncate-large-writes: after a cut response the connection is closed,
  // as by a server that takes a short write for a whole one.
  return cut ? std::make_error_code(std::errc::message_size) : std::error_code();
}

std::error_code Connection::write_out(std::span<const std::uint8_t> bytes) {
  if (flaw_ == Flaw::kGlobalWriteLock) {
    // One lock for every connection's writes, as one thread blocking in
    // write() holds up a whole server loop.
    const std::lock_guard lock(context_.write_mutex);
    return write_all(fd_, bytes, send_flags(flaw_));
  }
  if (flaw_ != Flaw::kTimeoutWhileOutputPending) return write_all(fd_, bytes, send_flags(flaw_));
  // The input-only timer: it counts from the last byte received, so a
  // client that reads slowly is cut off while it still has responses due.
  return write_all_until(fd_, bytes, send_flags(flaw_), last_input_time_ + kInputOnlyTimeout);
}

std::error_code Connection::write_dropping_on_backpressure() {
  for (const Message& response : batch_) {
    if (!writable_now(fd_)) continue;  // The flaw: dropped, never sent.
    Buffer frame;
    append_response(response, frame);
    if (const std::error_code error = write_all(fd_, frame.readable(), send_flags(flaw_))) {
      batch_.clear();
      return error;
    }
  }
  batch_.clear();
  return {};
}

bool Connection::append_response(const Message& response, Buffer& out) const {
  Buffer frame;
  if (const std::error_code error = encode_response(response, frame)) {
    std::fprintf(stderr, "broken_kvserver: cannot encode a response: %s\n",
                 error.message().c_str());
    return false;
  }
  std::span<const std::uint8_t> bytes = frame.readable();
  const bool cut = flaw_ == Flaw::kTruncateLargeWrites && bytes.size() > kTruncatedWriteBytes;
  if (cut) bytes = bytes.first(kTruncatedWriteBytes);
  out.append(bytes);
  return cut;
}

std::error_code Connection::encode_response(const Message& response, Buffer& frame) const {
  // Responses are never larger than kMaxConfigurableFrameLen: they echo at
  // most the key and value of a request that fit in the server's limit.
  if (flaw_ != Flaw::kExplicitDefaults)
    return encode_frame(response, frame, kMaxConfigurableFrameLen);
  // explicit-defaults: the empty strings and the Ok status are written out.
  std::string body = response.SerializeAsString();
  if (response.key().empty()) body += std::string("\x0a\x00", 2);
  if (response.value().empty()) body += std::string("\x12\x00", 2);
  if (response.status() == Ok) body += std::string("\x20\x00", 2);
  return encode_raw_frame({reinterpret_cast<const std::uint8_t*>(body.data()), body.size()}, frame);
}

void Connection::lock_frame_mutex() {
  if (flaw_ == Flaw::kHeadOfLine && !frame_lock_.owns_lock()) frame_lock_.lock();
}

void Connection::unlock_frame_mutex_between_frames() {
  if (frame_lock_.owns_lock() && source_->partial().empty()) frame_lock_.unlock();
}

}  // namespace kv
