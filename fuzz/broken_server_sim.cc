#include "fuzz/broken_server_sim.h"

#include <algorithm>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"

namespace kv {

bool hosts_flaw(Flaw flaw) {
  // The flaws of connection.cc (the connection's own handling) and of
  // broken_kvserver.cc (accepting, signals); kNone (no flaw) is hosted: it
  // must pass.
  switch (flaw) {
    case Flaw::kExitOnSigterm:
    case Flaw::kSecondSignalIgnored:
    case Flaw::kRejectWhileBusy:
    case Flaw::kAcceptLimit:
    case Flaw::kApplyTruncated:
    case Flaw::kBoundedOutputQueue:
    case Flaw::kCrashNoRebind:
    case Flaw::kCrashOnHugeLen:
    case Flaw::kCrashOnLen0:
    case Flaw::kDrainDropsPartial:
    case Flaw::kDropLastOnFin:
    case Flaw::kDropOnBackpressure:
    case Flaw::kDropOnHalfClose:
    case Flaw::kExplicitDefaults:
    case Flaw::kGlobalWriteLock:
    case Flaw::kHangOnTruncation:
    case Flaw::kHeadOfLine:
    case Flaw::kIdleKillFast:
    case Flaw::kIdleTimeout5s:
    case Flaw::kLeakSlotOnErrorPaths:
    case Flaw::kMidFrameTimeout80ms:
    case Flaw::kNoErrorClose:
    case Flaw::kPerConnectionStore:
    case Flaw::kPipelineInReverse:
    case Flaw::kReadFrameLimit:
    case Flaw::kReadsBeforeWrites:
    case Flaw::kReorderResponses:
    case Flaw::kSigpipeKills:
    case Flaw::kSlowClose:
    case Flaw::kSlowerEveryConnection:
    case Flaw::kStopAfterPause:
    case Flaw::kTimeoutWhileOutputPending:
    case Flaw::kTruncateLargeWrites:
    case Flaw::kWedgeAfterClose:
    case Flaw::kWedgeOnBadFooter:
    case Flaw::kWritesBeforeReads:
      return false;
    default:
      return true;
  }
}

int BrokenServerSim::accept(TimePoint) {
  Open open;
  open.source = make_frame_source(flaw_, max_);
  open.handler = std::make_unique<BrokenHandler>(store_, flaw_);
  open_.emplace(next_, std::move(open));
  return next_++;
}

std::size_t BrokenServerSim::read(int conn, std::span<const std::uint8_t> bytes, TimePoint) {
  const auto it = open_.find(conn);
  if (it == open_.end() || it->second.closing) return 0;
  Open& c = it->second;
  c.source->on_read(bytes);
  Message request;
  for (std::size_t frames = 0;; ++frames) {
    c.handler->set_first_in_read(frames == 0);
    const FrameEvent event = c.source->next(request);
    if (event == FrameEvent::kNeedMore) break;
    if (event == FrameEvent::kFramingError) {
      c.out += encode_frame_to_string(make_error_response());
      c.closing = true;
      break;
    }
    if (event == FrameEvent::kBadBody && flaw_ == Flaw::kBadBodyAppliesFields) {
      c.handler->apply_partial(request);
    }
    HandlerReply reply =
        event == FrameEvent::kFrame ? c.handler->handle(request) : c.handler->handle_bad_body();
    if (reply.disposition != Disposition::kClose) {
      c.out += encode_frame_to_string(reply.response);
    }
    if (reply.disposition != Disposition::kAnswer) {
      c.closing = true;
      break;
    }
  }
  return bytes.size();
}

bool BrokenServerSim::read_eof(int conn, TimePoint) {
  const auto it = open_.find(conn);
  // Every complete frame was answered as it arrived; a partial one is
  // dropped (SPEC 6.5, 8.2).
  if (it != open_.end()) it->second.closing = true;
  return true;
}

std::string BrokenServerSim::write(int conn, std::size_t max, TimePoint) {
  const auto it = open_.find(conn);
  if (it == open_.end()) return {};
  std::string& out = it->second.out;
  const std::size_t n = std::min(max, out.size());
  std::string taken = out.substr(0, n);
  out.erase(0, n);
  return taken;
}

std::size_t BrokenServerSim::unsent(int conn) const {
  const auto it = open_.find(conn);
  return it == open_.end() ? 0 : it->second.out.size();
}

bool BrokenServerSim::ended(int conn, TimePoint) {
  const auto it = open_.find(conn);
  return it == open_.end() || (it->second.closing && it->second.out.empty());
}

void BrokenServerSim::reset(int conn) { open_.erase(conn); }

}  // namespace kv
