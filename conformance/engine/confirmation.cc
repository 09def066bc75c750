#include "conformance/engine/confirmation.h"

#include <fmt/format.h>

namespace kv {

namespace {

// Takes the verdict and evidence of `from` into `to`.
void take_verdict(CaseReport& to, CaseReport&& from) {
  to.result = from.result;
  to.expected = std::move(from.expected);
  to.observed = std::move(from.observed);
  to.wire_log = std::move(from.wire_log);
  to.duration_ms = from.duration_ms;
  for (std::string& note : from.notes) to.notes.push_back(std::move(note));
}

}  // namespace

CaseReport merge_confirmation(CaseReport first, CaseReport rerun, FirstRun how) {
  std::vector<RunOutcome> runs = {{first.result, first.observed}, {rerun.result, rerun.observed}};
  CaseReport out = first;
  out.notes.clear();
  out.runs = std::move(runs);
  if (how == FirstRun::kOverlapped) {
    take_verdict(out, std::move(rerun));
    out.notes.push_back(
        "the server crashed or stopped answering while this case's first run was under way; "
        "the verdict is that of a rerun alone");
    return out;
  }
  if (!is_failure(first.result)) return first;
  if (is_failure(rerun.result)) {
    if (rerun.result == Result::kError && first.result != Result::kError) {
      out.notes = std::move(first.notes);
    } else {
      take_verdict(out, std::move(rerun));
    }
    out.notes.push_back("confirmed: the case failed again when rerun alone");
    return out;
  }
  out.notes = std::move(first.notes);
  out.result = first.level == Level::kShould ? Result::kLenient : Result::kFlaky;
  out.observed = fmt::format("{} — but the case passed when rerun alone", first.observed);
  out.notes.push_back(fmt::format(
      "flaky: {} in the full run, PASS when rerun alone; the server's behaviour depends on "
      "timing or on what ran beside it",
      result_name(first.result)));
  return out;
}

}  // namespace kv
