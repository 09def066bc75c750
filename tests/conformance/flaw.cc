#include "flaw.h"

#include <utility>

namespace kv {
namespace {

constexpr std::pair<Flaw, std::string_view> kFlawNames[] = {
    {Flaw::kNone, "none"},
    {Flaw::kOneReadOneFrame, "one-read-one-frame"},
    {Flaw::kScanForFooter, "scan-for-footer"},
    {Flaw::kFirstFramePerRead, "first-frame-per-read"},
    {Flaw::kNoFooterCheck, "no-footer-check"},
    {Flaw::kNoLengthCap, "no-length-cap"},
    {Flaw::kIgnoreMaxFrameBytes, "ignore-max-frame-bytes"},
    {Flaw::kMaxLenExclusive, "max-len-exclusive"},
    {Flaw::kWrongMissStatus, "wrong-miss-status"},
    {Flaw::kCloseOnUnknownKind, "close-on-unknown-kind"},
    {Flaw::kOverwriteIgnored, "overwrite-ignored"},
    {Flaw::kEmptyKeyRejected, "empty-key-rejected"},
    {Flaw::kApplyTruncated, "apply-truncated"},
    {Flaw::kIgnoreBadBodyClose, "ignore-bad-body-close"},
    {Flaw::kNoErrorClose, "no-error-close"},
    {Flaw::kSlowClose, "slow-close"},
    {Flaw::kDropOnHalfClose, "drop-on-half-close"},
    {Flaw::kReorderResponses, "reorder-responses"},
    {Flaw::kTruncateLargeWrites, "truncate-large-writes"},
    {Flaw::kIdleKillFast, "idle-kill-fast"},
    {Flaw::kHeadOfLine, "head-of-line"},
    {Flaw::kLostUpdates, "lost-updates"},
    {Flaw::kPerConnectionStore, "per-connection-store"},
    {Flaw::kConnectionReadCache, "connection-read-cache"},
    {Flaw::kRejectWhileBusy, "reject-while-busy"},
    {Flaw::kAckEchoesRequest, "ack-echoes-request"},
    {Flaw::kEmptyValueIsMiss, "empty-value-is-miss"},
    {Flaw::kGetWithValueStores, "get-with-value-stores"},
    {Flaw::kPutChecksStatus, "put-checks-status"},
    {Flaw::kNonAsciiRejected, "non-ascii-rejected"},
    {Flaw::kRejectUnknownFields, "reject-unknown-fields"},
    {Flaw::kUnknownStatusRejected, "unknown-status-rejected"},
    {Flaw::kFirstFieldWins, "first-field-wins"},
    {Flaw::kMinimalVarintsOnly, "minimal-varints-only"},
    {Flaw::kUtf8Unchecked, "utf8-unchecked"},
    {Flaw::kExplicitDefaults, "explicit-defaults"},
    {Flaw::kHangOnTruncation, "hang-on-truncation"},
    {Flaw::kBoundedOutputQueue, "bounded-output-queue"},
    {Flaw::kStopAfterPause, "stop-after-pause"},
    {Flaw::kAcceptLimit, "accept-limit"},
    {Flaw::kCrashOnHugeLen, "crash-on-huge-len"},
    {Flaw::kSigpipeKills, "sigpipe-kills"},
    {Flaw::kWedgeAfterClose, "wedge-after-close"},
    {Flaw::kWedgeOnBadFooter, "wedge-on-bad-footer"},
    {Flaw::kCrashOnLen0, "crash-on-len-0"},
    {Flaw::kCrashNoRebind, "crash-no-rebind"},
    {Flaw::kDesyncLeaksResponses, "desync-leaks-responses"},
    {Flaw::kTruncateLongKeys, "truncate-long-keys"},
    {Flaw::kReadFrameLimit, "read-frame-limit"},
    {Flaw::kStalePipelinedRead, "stale-pipelined-read"},
    {Flaw::kUtf8BmpOnly, "utf8-bmp-only"},
    {Flaw::kNulTerminatedKeys, "nul-terminated-keys"},
    {Flaw::kTimeoutWhileOutputPending, "timeout-while-output-pending"},
    {Flaw::kDropOnBackpressure, "drop-on-backpressure"},
    {Flaw::kDropLastOnFin, "drop-last-on-fin"},
    {Flaw::kMidFrameTimeout80ms, "mid-frame-timeout-80ms"},
    {Flaw::kExitOnSigterm, "exit-on-sigterm"},
    {Flaw::kDrainDropsPartial, "drain-drops-partial"},
    {Flaw::kSecondSignalIgnored, "second-signal-ignored"},
    {Flaw::kFoldKeyCase, "fold-key-case"},
    {Flaw::kTrimKeyWhitespace, "trim-key-whitespace"},
    {Flaw::kNfcKeys, "nfc-keys"},
    {Flaw::kCrlfToLfValues, "crlf-to-lf-values"},
    {Flaw::kBadBodyAppliesFields, "bad-body-applies-fields"},
    {Flaw::kUnknownKindApplies, "unknown-kind-applies"},
    {Flaw::kRejectExplicitDefaults, "reject-explicit-defaults"},
    {Flaw::kLeakSlotOnErrorPaths, "leak-slot-on-error-paths"},
    {Flaw::kIdleTimeout5s, "idle-timeout-5s"},
    {Flaw::kReadsBeforeWrites, "reads-before-writes"},
    {Flaw::kWritesBeforeReads, "writes-before-reads"},
    {Flaw::kPipelineInReverse, "pipeline-in-reverse"},
    {Flaw::kGlobalWriteLock, "global-write-lock"},
    {Flaw::kSlowerEveryConnection, "slower-every-connection"},
};

}  // namespace

std::string_view flaw_name(Flaw flaw) {
  for (const auto& [value, name] : kFlawNames) {
    if (value == flaw) return name;
  }
  return "unknown";
}

std::optional<Flaw> flaw_from_name(std::string_view name) {
  for (const auto& [value, candidate] : kFlawNames) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

const std::vector<Flaw>& all_flaws() {
  static const std::vector<Flaw> flaws = [] {
    std::vector<Flaw> result;
    for (const auto& entry : kFlawNames) result.push_back(entry.first);
    return result;
  }();
  return flaws;
}

}  // namespace kv
