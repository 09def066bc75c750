// Turning verdicts into the report model, once for every mode: a check's
// report from its spec and verdict, SHOULD/LENIENT, the known-failing
// list (FLAKY included), "not run", and the last touches of a run's report
// (root causes, counts, statistics of what was judged).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/case_selection.h"
#include "conformance/engine/check_source.h"
#include "conformance/engine/root_causes.h"

namespace kv {

// The current time, ISO 8601 in UTC, for RunReport::started.
std::string iso_utc_now();

// The line that reruns one check alone, verbosely, with the run's seed:
// "<prefix> --cases '<id>' --seed <seed> -v".
std::string rerun_line(const std::string& prefix, const std::string& id, std::uint64_t seed);

// The report of a check that has no verdict yet: its identity and rerun line.
CaseReport blank_report(const CheckSpec& spec, const std::string& rerun);

// A failure of a SHOULD rule is LENIENT, never FAIL.
Result level_result(Result result, Level level);

// Puts `verdict` into `report`: the result (a SHOULD check's FAIL becomes
// LENIENT), what was expected and seen; a SKIP's reason becomes a note.
void apply_verdict(CaseReport& report, Verdict verdict);

// An ERROR "not run" for `reason` (the run stopped early, the server was
// unresponsive, the time budget was spent, kvconform was interrupted).
void mark_not_run(CaseReport& report, const std::string& reason);

// The known-failing list: a listed FAIL, LENIENT or FLAKY becomes
// KNOWN-FAILING with the line's reason; a listed PASS keeps its result
// with a note asking to prune the list.
void apply_known_failing(const KnownFailingList& list, CaseReport& report);

// Finishes a run's report once every case has a report: applies the
// known-failing list, names root causes (`needs_of` may be empty: no
// check needs another), counts the results, and records in the
// statistics which rules the checks that ran judged. `start` is when the
// run began.
void finish_report(RunReport& report, const KnownFailingList& known_failing,
                   const NeedsOf& needs_of, std::chrono::steady_clock::time_point start);

}  // namespace kv
