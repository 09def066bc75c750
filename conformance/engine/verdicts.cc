#include "conformance/engine/verdicts.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace kv {

std::string iso_utc_now() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::string rerun_line(const std::string& prefix, const std::string& id, std::uint64_t seed) {
  return fmt::format("{} --cases '{}' --seed {} -v", prefix, id, seed);
}

CaseReport blank_report(const CheckSpec& spec, const std::string& rerun) {
  CaseReport r;
  r.id = spec.id;
  r.rule = spec.rule;
  r.level = spec.level;
  r.title = spec.title;
  r.rerun = rerun;
  return r;
}

Result level_result(Result result, Level level) {
  return result == Result::kFail && level == Level::kShould ? Result::kLenient : result;
}

void apply_verdict(CaseReport& report, Verdict verdict) {
  report.result = level_result(verdict.result, report.level);
  report.expected = std::move(verdict.expected);
  report.observed = std::move(verdict.observed);
  if (report.result == Result::kSkip && !report.observed.empty()) {
    report.notes.push_back(std::move(report.observed));
    report.observed.clear();
  }
}

void mark_not_run(CaseReport& report, const std::string& reason) {
  report.result = Result::kError;
  report.expected.clear();
  report.observed = reason;
  report.not_run = true;
}

void apply_known_failing(const KnownFailingList& list, CaseReport& report) {
  const KnownFailure* known = list.find(report.id);
  if (known == nullptr) return;
  const Result r = report.result;
  if (r == Result::kFail || r == Result::kLenient || r == Result::kFlaky) {
    report.notes.push_back(fmt::format("known failing (line {} of the list: '{}'): {}; was {}",
                                       known->line, known->glob, known->reason, result_name(r)));
    report.result = Result::kKnownFailing;
  } else if (r == Result::kPass) {
    report.notes.push_back(fmt::format(
        "listed as known failing (line {}: '{}') but now passes: remove it from the list",
        known->line, known->glob));
  }
}

void finish_report(RunReport& report, const KnownFailingList& known_failing,
                   const NeedsOf& needs_of, std::chrono::steady_clock::time_point start) {
  for (CaseReport& r : report.cases) apply_known_failing(known_failing, r);
  if (needs_of) {
    report.root_causes = assign_root_causes(report.cases, needs_of);
  } else {
    report.root_causes.clear();
    for (const CaseReport& r : report.cases) {
      if (is_failure(r.result) && !r.not_run) report.root_causes.push_back(r.id);
    }
  }
  report.summary = {};
  for (const CaseReport& r : report.cases) {
    report.summary.add(r.result);
    if (r.rule.empty()) continue;
    report.statistics.can_judge(r.rule);
    if (r.result != Result::kSkip && !r.not_run) report.statistics.judged(r.rule);
  }
  report.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace kv
