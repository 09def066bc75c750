#include "tests/client/client_flaw.h"

#include <array>
#include <utility>

namespace kv {
namespace {

constexpr std::array<std::pair<ClientFlaw, std::string_view>, 25> kNames = {{
    {ClientFlaw::kNone, "none"},
    {ClientFlaw::kPutWrongKind, "put-wrong-kind"},
    {ClientFlaw::kOneReadOneFrame, "one-read-one-frame"},
    {ClientFlaw::kScanForFooter, "scan-for-footer"},
    {ClientFlaw::kPairsInReverse, "pairs-in-reverse"},
    {ClientFlaw::kRejectsUnknownFields, "rejects-unknown-fields"},
    {ClientFlaw::kMinimalVarintsOnly, "minimal-varints-only"},
    {ClientFlaw::kFirstFieldWins, "first-field-wins"},
    {ClientFlaw::kRejectsExplicitDefaults, "rejects-explicit-defaults"},
    {ClientFlaw::kTrustsLen, "trusts-len"},
    {ClientFlaw::kMax1Mib, "max-1mib"},
    {ClientFlaw::kShortLenAsEmptyBody, "short-len-as-empty-body"},
    {ClientFlaw::kNoFooterCheck, "no-footer-check"},
    {ClientFlaw::kReusesConnection, "reuses-connection"},
    {ClientFlaw::kUtf8Unchecked, "utf8-unchecked"},
    {ClientFlaw::kCrashesOnBadBody, "crashes-on-bad-body"},
    {ClientFlaw::kIgnoresKind, "ignores-kind"},
    {ClientFlaw::kMissIsError, "miss-is-error"},
    {ClientFlaw::kKeyNotChecked, "key-not-checked"},
    {ClientFlaw::kUnknownStatusIsMiss, "unknown-status-is-miss"},
    {ClientFlaw::kClosedIsMiss, "closed-is-miss"},
    {ClientFlaw::kResetIsClosed, "reset-is-closed"},
    {ClientFlaw::kHangsOnTruncation, "hangs-on-truncation"},
    {ClientFlaw::kNoTimeout, "no-timeout"},
    {ClientFlaw::kConnectErrorIsTimeout, "connect-error-is-timeout"},
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
