// The outcome of one conformance case, as every reporter sees it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/engine/run_statistics.h"
#include "conformance/wire/wire_log.h"

namespace kv {

// PASS, FAIL and LENIENT judge the target. SKIP means the case was not run
// (other profile, or excluded) and never counts as a pass. ERROR is a
// harness or network problem, or a case that could not be run, kept apart
// from FAIL. KNOWN_FAILING is a FAIL that the --known-failing file
// expected. FLAKY is a case that failed once and passed when run again:
// it is never reported as a pass.
enum class Result { kPass, kFail, kLenient, kSkip, kError, kKnownFailing, kFlaky };

std::string_view result_name(Result result);

// "SIGTERM", "SIGINT", ... for a signal number.
std::string signal_name(int signal);

// A duration for people: "0.4 ms", "35 ms", "2.3 s". Short runs (one case)
// keep their digits instead of rounding to "0.0 s".
std::string duration_text(double ms);

// A case's verdict: what was expected and what was seen, in words.
struct Verdict {
  Result result = Result::kPass;
  std::string expected;
  std::string observed;
};

// The result of one step of a case: std::nullopt when the step went as
// expected, or the verdict that ends the case.
using Check = std::optional<Verdict>;

Verdict fail_verdict(std::string expected, std::string observed);
Verdict error_verdict(std::string what);

// Ends the calling coroutine with the step's verdict if the step did not go
// as expected. `expr` may contain co_await.
#define KV_CHECK(expr)                                       \
  if (::kv::Check kv_check_ = (expr); kv_check_.has_value()) \
  co_return std::move(*kv_check_)

enum class Level { kMust, kShould };
std::string_view level_name(Level level);

// Which server profiles a case applies to (SPEC section 11).
enum class ProfileScope { kAny, kConcurrentOnly, kSequentialOnly };
std::string_view profile_scope_name(ProfileScope scope);

// True for the results that say the target missed a rule or could not be
// judged: FAIL, LENIENT, ERROR, FLAKY and KNOWN-FAILING.
bool is_failure(Result result);

// One run of a case: the main pass, then any confirmation rerun.
struct RunOutcome {
  Result result = Result::kPass;
  std::string observed;
};

// Everything a reporter shows about one case.
struct CaseReport {
  std::string id;
  std::string rule;
  Level level = Level::kMust;
  std::string title;
  Result result = Result::kPass;
  std::string expected;
  std::string observed;
  // Extra remarks: skip reasons, known-failing reasons, crash notes.
  std::vector<std::string> notes;
  // For a failure: the ID of a failed case this case needs (the root of
  // the chain), whose defect likely explains this failure too.
  std::string caused_by;
  // The case never ran (the run stopped early, the server was unresponsive
  // or unreachable): an ERROR whose `observed` says why.
  bool not_run = false;
  // Every run of the case, in order, when it was run more than once.
  std::vector<RunOutcome> runs;
  double duration_ms = 0;
  std::string rerun;
  std::vector<WireEntry> wire_log;
};

// A finding about the run as a whole rather than one case: a start-up
// probe that failed, a crash that no case reproduced alone, an early stop.
struct Finding {
  std::string rule;     // The SPEC rule it contradicts ("" if none).
  std::string title;    // One line.
  std::string details;  // What was seen, in words.
  std::vector<WireEntry> wire_log;
};

struct RunSummary {
  int pass = 0, fail = 0, lenient = 0, skip = 0, error = 0, known_failing = 0, flaky = 0;
  void add(Result result);
  int total() const { return pass + fail + lenient + skip + error + known_failing + flaky; }
};

// Everything a report file holds.
struct RunReport {
  std::string target;
  std::string profile;
  unsigned long long seed = 0;
  std::string started;  // ISO 8601, UTC.
  double duration_ms = 0;
  bool strict = false;
  std::vector<CaseReport> cases;
  RunSummary summary;
  std::vector<Finding> findings;
  // Remarks about the run as a whole: restarts, a changed port.
  std::vector<std::string> notes;
  // The failed cases that no other failure explains, in registry order:
  // the defects to fix first. Every other failure names one in caused_by.
  std::vector<std::string> root_causes;
  // What the run covered: counters and rule coverage that the source of
  // checks filled in (run_statistics.h); every reporter shows it.
  RunStatistics statistics;
  // Non-empty when the run could not be done at all (usage error, target
  // unreachable): why. Such a report exits 2.
  std::string aborted;
  // The stop signal that interrupted the run (engine/interrupts.h), or 0:
  // the report is partial and exits 128 + the signal's number.
  int interrupted_by = 0;
  // 128 + N: interrupted by signal N; 2: aborted; 1: a MUST case failed,
  // errored or was flaky (or a SHOULD case with --strict), or there is a
  // finding; 0 otherwise.
  int exit_code() const;
};

}  // namespace kv
