#include "tests/client/client_flaw.h"

#include <array>
#include <utility>

namespace kv {
namespace {

constexpr std::array<std::pair<ClientFlaw, std::string_view>, 54> kNames = {{
    {ClientFlaw::kNone, "none"},
    {ClientFlaw::kPutWrongKind, "put-wrong-kind"},
    {ClientFlaw::kNulTerminatedStrings, "nul-terminated-strings"},
    {ClientFlaw::kKeysCutAt255, "keys-cut-at-255"},
    {ClientFlaw::kStripsWhitespace, "strips-whitespace"},
    {ClientFlaw::kControlCharsDropped, "control-chars-dropped"},
    {ClientFlaw::kLatin1Decoding, "latin1-decoding"},
    {ClientFlaw::kBmpOnly, "bmp-only"},
    {ClientFlaw::kValuesCutAt64k, "values-cut-at-64k"},
    {ClientFlaw::kEmptyValueIsMiss, "empty-value-is-miss"},
    {ClientFlaw::kKeyComparedAsCString, "key-compared-as-c-string"},
    {ClientFlaw::kKeyCaseInsensitive, "key-case-insensitive"},
    {ClientFlaw::kKeyPrefixMatch, "key-prefix-match"},
    {ClientFlaw::kOneReadOneFrame, "one-read-one-frame"},
    {ClientFlaw::kScanForFooter, "scan-for-footer"},
    {ClientFlaw::kPairsInReverse, "pairs-in-reverse"},
    {ClientFlaw::kRejectsUnknownFields, "rejects-unknown-fields"},
    {ClientFlaw::kMinimalVarintsOnly, "minimal-varints-only"},
    {ClientFlaw::kFirstFieldWins, "first-field-wins"},
    {ClientFlaw::kRejectsExplicitDefaults, "rejects-explicit-defaults"},
    {ClientFlaw::kTrustsLen, "trusts-len"},
    {ClientFlaw::kMaxLenExclusive, "max-len-exclusive"},
    {ClientFlaw::kSignedLen, "signed-len"},
    {ClientFlaw::kLen5TooSmall, "len-5-too-small"},
    {ClientFlaw::kFooterFirstByteOnly, "footer-first-byte-only"},
    {ClientFlaw::kFooterNotAwaited, "footer-not-awaited"},
    {ClientFlaw::kMax1Mib, "max-1mib"},
    {ClientFlaw::kShortLenAsEmptyBody, "short-len-as-empty-body"},
    {ClientFlaw::kNoFooterCheck, "no-footer-check"},
    {ClientFlaw::kReusesConnection, "reuses-connection"},
    {ClientFlaw::kUtf8Unchecked, "utf8-unchecked"},
    {ClientFlaw::kCrashesOnBadBody, "crashes-on-bad-body"},
    {ClientFlaw::kUtf8StructureOnly, "utf8-structure-only"},
    {ClientFlaw::kTruncatedFieldIgnored, "truncated-field-ignored"},
    {ClientFlaw::kNoGroupSupport, "no-group-support"},
    {ClientFlaw::kBadBodyNotConsumed, "bad-body-not-consumed"},
    {ClientFlaw::kIgnoresKind, "ignores-kind"},
    {ClientFlaw::kMissIsError, "miss-is-error"},
    {ClientFlaw::kKeyNotChecked, "key-not-checked"},
    {ClientFlaw::kUnknownStatusIsMiss, "unknown-status-is-miss"},
    {ClientFlaw::kPutIgnoresStatus, "put-ignores-status"},
    {ClientFlaw::kErrorResponseNeedsNotOk, "error-response-needs-not-ok"},
    {ClientFlaw::kAckBytesCompared, "ack-bytes-compared"},
    {ClientFlaw::kClosedIsMiss, "closed-is-miss"},
    {ClientFlaw::kResetIsClosed, "reset-is-closed"},
    {ClientFlaw::kHangsOnTruncation, "hangs-on-truncation"},
    {ClientFlaw::kNoTimeout, "no-timeout"},
    {ClientFlaw::kConnectErrorIsTimeout, "connect-error-is-timeout"},
    {ClientFlaw::kTimeoutPerRead, "timeout-per-read"},
    {ClientFlaw::kCloseIsNoop, "close-is-noop"},
    {ClientFlaw::kCloseLeaksConnection, "close-leaks-connection"},
    {ClientFlaw::kKeepsBufferAcrossConnections, "keeps-buffer-across-connections"},
    {ClientFlaw::kNoReconnectAfterClose, "no-reconnect-after-close"},
    {ClientFlaw::kReusesAfterTimeout, "reuses-after-timeout"},
}};

}  // namespace

std::string_view client_flaw_name(ClientFlaw flaw) {
  for (const auto& [value, name] : kNames) {
    if (value == flaw) return name;
  }
  return "?";
}

std::optional<ClientFlaw> client_flaw_from_name(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

const std::vector<ClientFlaw>& all_client_flaws() {
  static const std::vector<ClientFlaw> flaws = [] {
    std::vector<ClientFlaw> list;
    for (const auto& entry : kNames) list.push_back(entry.first);
    return list;
  }();
  return flaws;
}

}  // namespace kv
