#include "conformance/engine/case_result.h"

#include <fmt/format.h>
#include <string.h>

namespace kv {

std::string_view result_name(Result result) {
  switch (result) {
    case Result::kPass:
      return "PASS";
    case Result::kFail:
      return "FAIL";
    case Result::kLenient:
      return "LENIENT";
    case Result::kSkip:
      return "SKIP";
    case Result::kError:
      return "ERROR";
    case Result::kKnownFailing:
      return "KNOWN-FAILING";
    case Result::kFlaky:
      return "FLAKY";
  }
  return "?";
}

bool is_failure(Result result) {
  return result != Result::kPass && result != Result::kSkip;
}

std::string signal_name(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return name != nullptr ? fmt::format("SIG{}", name) : fmt::format("signal {}", signal);
}

std::string duration_text(double ms) {
  if (ms < 10) return fmt::format("{:.1f} ms", ms);
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  return fmt::format("{:.1f} s", ms / 1000);
}

std::string_view level_name(Level level) {
  return level == Level::kMust ? "MUST" : "SHOULD";
}

std::string_view profile_scope_name(ProfileScope scope) {
  switch (scope) {
    case ProfileScope::kAny:
      return "any";
    case ProfileScope::kConcurrentOnly:
      return "concurrent";
    case ProfileScope::kSequentialOnly:
      return "sequential";
  }
  return "?";
}

Verdict fail_verdict(std::string expected, std::string observed) {
  return {Result::kFail, std::move(expected), std::move(observed)};
}

Verdict error_verdict(std::string what) {
  return {Result::kError, "", std::move(what)};
}

void RunSummary::add(Result result) {
  switch (result) {
    case Result::kPass:
      ++pass;
      break;
    case Result::kFail:
      ++fail;
      break;
    case Result::kLenient:
      ++lenient;
      break;
    case Result::kSkip:
      ++skip;
      break;
    case Result::kError:
      ++error;
      break;
    case Result::kKnownFailing:
      ++known_failing;
      break;
    case Result::kFlaky:
      ++flaky;
      break;
  }
}

int RunReport::exit_code() const {
  if (interrupted_by != 0) return 128 + interrupted_by;
  if (!aborted.empty()) return 2;
  if (summary.fail > 0 || summary.error > 0 || summary.flaky > 0 || !findings.empty()) return 1;
  if (strict && summary.lenient > 0) return 1;
  return 0;
}

}  // namespace kv
