#include "conformance/report/console_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace kv {

namespace {

// The first line of `text`, cut to `width` characters.
std::string first_line(const std::string& text, std::size_t width) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > width) line = line.substr(0, width - 3) + "...";
  return line;
}

}  // namespace

ConsoleReport::ConsoleReport(std::FILE* out, bool verbose, bool color)
    : out_(out), verbose_(verbose), color_(color) {}

std::string ConsoleReport::paint(Result result, std::string_view text) const {
  if (!color_) return std::string(text);
  const char* code = "0";
  switch (result) {
    case Result::kPass:
      code = "32";
      break;
    case Result::kFail:
    case Result::kFlaky:
      code = "1;31";
      break;
    case Result::kLenient:
      code = "33";
      break;
    case Result::kSkip:
      code = "2";
      break;
    case Result::kError:
      code = "1;35";
      break;
    case Result::kKnownFailing:
      code = "36";
      break;
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

void ConsoleReport::note(std::string_view text) {
  fmt::print(out_, "note: {}\n", text);
  std::fflush(out_);
}

void ConsoleReport::case_finished(const CaseReport& r, std::size_t done, std::size_t total) {
  const int width = static_cast<int>(std::to_string(total).size());
  fmt::print(out_, "[{:>{}}/{}] {} {:<44} {:>9}\n", done, width, total,
             paint(r.result, fmt::format("{:<13}", result_name(r.result))), r.id,
             duration_text(r.duration_ms));
  if (is_failure(r.result) && !r.observed.empty()) {
    fmt::print(out_, "      seen: {}\n", first_line(r.observed, 110));
  }
  std::fflush(out_);
}

void ConsoleReport::confirming(std::size_t count, bool fresh_server) {
  fmt::print(out_, "\nconfirming {} case(s): each is rerun alone{} before it is reported\n",
             count, fresh_server ? ", against a fresh server" : "");
  std::fflush(out_);
}

void ConsoleReport::case_confirmed(const CaseReport& r, std::size_t done, std::size_t total) {
  std::string runs;
  for (const RunOutcome& run : r.runs) runs += (runs.empty() ? "" : " then ") +
                                               std::string(result_name(run.result));
  fmt::print(out_, "[confirm {}/{}] {} {:<44} {}\n", done, total,
             paint(r.result, fmt::format("{:<13}", result_name(r.result))), r.id,
             runs.empty() ? "" : "(" + runs + ")");
  std::fflush(out_);
}

void ConsoleReport::print_finding(const Finding& f) {
  fmt::print(out_, "  {} {}\n", paint(Result::kFail, f.rule.empty() ? "[run]" : "[SPEC " + f.rule + "]"),
             f.title);
  fmt::print(out_, "      {}\n", f.details);
  if (!f.wire_log.empty()) {
    fmt::print(out_, "      wire log (times from its start):\n{}", format_wire_log(f.wire_log));
  }
}

void ConsoleReport::print_details(const CaseReport& r, bool with_wire_log) {
  fmt::print(out_, "\n  {} {}\n", paint(r.result, std::string(result_name(r.result))), r.id);
  fmt::print(out_, "      rule:     {} {} — {}\n", r.rule, level_name(r.level), r.title);
  if (!r.caused_by.empty()) {
    fmt::print(out_, "      cause:    likely caused by {} (a case it needs that failed too)\n",
               r.caused_by);
  }
  if (!r.expected.empty()) fmt::print(out_, "      expected: {}\n", r.expected);
  if (!r.observed.empty()) fmt::print(out_, "      seen:     {}\n", r.observed);
  for (const RunOutcome& run : r.runs) {
    fmt::print(out_, "      run:      {}: {}\n", result_name(run.result),
               run.observed.empty() ? std::string("as expected") : first_line(run.observed, 100));
  }
  for (const std::string& note : r.notes) fmt::print(out_, "      note:     {}\n", note);
  fmt::print(out_, "      rerun:    {}\n", r.rerun);
  if (with_wire_log && !r.wire_log.empty()) {
    fmt::print(out_, "      wire log (times from case start; conn 99 is the liveness check):\n{}",
               format_wire_log(r.wire_log));
  }
}

void ConsoleReport::print_statistics(const RunStatistics& stats) {
  if (stats.empty()) return;
  fmt::print(out_, "\nStatistics:\n");
  for (const StatGroup& g : stats.groups()) {
    fmt::print(out_, "  {}{}\n", g.name, g.note.empty() ? "" : " (" + g.note + ")");
    std::size_t width = 0;
    for (const StatCounter& c : g.counters) width = std::max(width, c.name.size());
    for (const StatCounter& c : g.counters) {
      fmt::print(out_, "      {:<{}}  {}\n", c.name, width, stat_value_text(c));
    }
  }
  const auto judged = stats.rules_judged();
  if (!judged.empty()) {
    std::vector<std::string> items;
    for (const auto& [rule, count] : judged) items.push_back(fmt::format("{} ({})", rule, count));
    fmt::print(out_, "  rules judged ({}, with the judgements run): {}\n", judged.size(),
               fmt::join(items, ", "));
  }
  const std::vector<std::string> never = stats.rules_never_exercised();
  if (!never.empty()) {
    fmt::print(out_, "  rules never exercised ({}): {}\n", never.size(), fmt::join(never, ", "));
  }
}

void ConsoleReport::summary(const RunReport& run) {
  if (!run.aborted.empty()) {
    fmt::print(out_, "\nkvconform: the run could not be done: {}\n", run.aborted);
  }
  if (!run.findings.empty()) {
    fmt::print(out_, "\nFindings about the run as a whole:\n");
    for (const Finding& f : run.findings) print_finding(f);
  }
  std::map<std::string, std::vector<const CaseReport*>> dependents;
  for (const CaseReport& r : run.cases) {
    if (!r.caused_by.empty()) dependents[r.caused_by].push_back(&r);
  }
  if (!run.root_causes.empty() || !run.findings.empty()) {
    fmt::print(out_, "\nRoot causes (fix these first; the other failures likely follow from them):\n");
    // The findings about the run as a whole first, one line each.
    for (const Finding& f : run.findings) {
      fmt::print(out_, "  {} {}\n",
                 paint(Result::kFail, fmt::format("{:<13}", f.rule.empty() ? "RUN"
                                                                           : "SPEC " + f.rule)),
                 f.title);
    }
    for (const CaseReport& r : run.cases) {
      if (std::find(run.root_causes.begin(), run.root_causes.end(), r.id) ==
          run.root_causes.end()) {
        continue;
      }
      std::vector<std::string> ids;
      for (const CaseReport* d : dependents[r.id]) ids.push_back(d->id);
      fmt::print(out_, "  {} {}{}\n", paint(r.result, fmt::format("{:<13}", result_name(r.result))),
                 r.id,
                 ids.empty() ? std::string()
                             : fmt::format("  (+{} dependent: {})", ids.size(), fmt::join(ids, ", ")));
    }
  }
  // Details: the root causes with their wire logs, then their dependents,
  // then (with -v) everything else.
  bool header = false;
  for (const std::string& root : run.root_causes) {
    for (const CaseReport& r : run.cases) {
      if (r.id != root) continue;
      if (!header) fmt::print(out_, "\nDetails:\n");
      header = true;
      print_details(r, r.result != Result::kKnownFailing);
      for (const CaseReport* d : dependents[root]) print_details(*d, verbose_);
    }
  }
  for (const CaseReport& r : run.cases) {
    const bool shown = std::find(run.root_causes.begin(), run.root_causes.end(), r.id) !=
                           run.root_causes.end() ||
                       !r.caused_by.empty();
    if (shown || r.result == Result::kSkip) continue;
    if (!(r.not_run && verbose_) && !(r.result == Result::kPass && verbose_)) continue;
    if (!header) fmt::print(out_, "\nDetails:\n");
    header = true;
    print_details(r, true);
  }

  print_statistics(run.statistics);
  fmt::print(out_, "\nkvconform summary — target {}, profile {}, seed {}, {}\n", run.target,
             run.profile, run.seed, duration_text(run.duration_ms));
  bool table = false;
  std::size_t not_run = 0;
  for (const CaseReport& r : run.cases) {
    if (r.not_run) {
      ++not_run;
      continue;
    }
    if (r.result == Result::kPass || r.result == Result::kSkip) continue;
    if (!table) {
      fmt::print(out_, "\n  {:<13} {:<6} {:<44} {}\n", "RESULT", "LEVEL", "CASE", "SEEN");
      table = true;
    }
    const std::string seen = r.caused_by.empty() ? first_line(r.observed, 90)
                                                 : "likely caused by " + r.caused_by;
    fmt::print(out_, "  {} {:<6} {:<44} {}\n",
               paint(r.result, fmt::format("{:<13}", result_name(r.result))), level_name(r.level),
               r.id, seen);
  }
  if (not_run > 0) {
    const auto first = std::find_if(run.cases.begin(), run.cases.end(),
                                    [](const CaseReport& r) { return r.not_run; });
    fmt::print(out_, "\n  {} case(s) were not run: {}\n", not_run, first->observed);
  }
  for (const CaseReport& r : run.cases) {
    if (run.profile == "concurrent" && r.id.starts_with("11.3/") && r.result == Result::kFail) {
      fmt::print(out_,
                 "\n  hint: {} failed. If the server serves one connection at a time, run with "
                 "--profile sequential;\n        otherwise cases running in parallel also time out "
                 "and fail.\n",
                 r.id);
    }
  }
  for (const std::string& note : run.notes) fmt::print(out_, "\n  note: {}\n", note);
  const RunSummary& s = run.summary;
  fmt::print(out_,
             "\n  {} total: {} pass, {} fail, {} flaky, {} lenient, {} known-failing, {} skip, {} "
             "error; {} finding(s)\n",
             s.total(), s.pass, s.fail, s.flaky, s.lenient, s.known_failing, s.skip, s.error,
             run.findings.size());
  const int code = run.exit_code();
  std::string verdict;
  if (code == 0) {
    verdict = paint(Result::kPass, run.strict ? "CONFORMS (strict: MUST and SHOULD)"
                                              : "CONFORMS (every MUST case passed)");
  } else if (run.interrupted_by != 0) {
    verdict = paint(Result::kError,
                    fmt::format("INTERRUPTED (exit {}) by {}: the report is partial", code,
                                signal_name(run.interrupted_by)));
  } else if (code == 2) {
    verdict = paint(Result::kError, "NOT CHECKED (exit 2): " + run.aborted);
  } else {
    verdict = paint(Result::kFail, "DOES NOT CONFORM (exit 1)");
  }
  fmt::print(out_, "  verdict: {}\n", verdict);
  std::fflush(out_);
}

void print_case_list(std::FILE* out, const CaseRegistry& registry) {
  for (const CaseDef& def : registry.cases()) {
    fmt::print(out, "{:<40} {:<6} {:<10} {} — {}\n", def.id, level_name(def.level),
               profile_scope_name(def.scope), def.rule(), def.quote);
  }
}

void print_case_explanation(std::FILE* out, const CaseDef& def, const RunOptions& options) {
  fmt::print(out, "{}\n", def.id);
  fmt::print(out, "  rule:      SPEC {} ({}): {}\n", def.rule(), level_name(def.level), def.quote);
  fmt::print(out, "  profile:   {}\n",
             def.scope == ProfileScope::kAny
                 ? std::string("every profile")
                 : fmt::format("{} only (SKIP otherwise)", profile_scope_name(def.scope)));
  fmt::print(out, "  sends:     {}\n", def.sends);
  fmt::print(out, "  expects:   {}\n", def.expects);
  if (!def.legal.empty()) fmt::print(out, "  legal:     {}\n", def.legal);
  if (!def.needs.empty()) {
    fmt::print(out, "  needs:     {} (if one of them fails too, this failure is reported as "
                    "likely caused by it)\n",
               fmt::join(def.needs, ", "));
  }
  if (def.solo) {
    fmt::print(out, "  runs:      alone, with no other case at the same time (its verdict "
                    "depends on timing)\n");
  }
  fmt::print(out, "  keys:      prefixed \"{}/<seed>/\", private to this case\n", def.id);
  fmt::print(out, "  timeouts:  each response within {} ms (5 s x --timeout-scale {})\n",
             options.response_timeout().count(), options.timeout_scale);
  if (def.timing == Timing::kBulk) {
    fmt::print(out, "             bulk transfers within {} ms (20 s x scale)\n",
               options.bulk_timeout().count());
  }
  if (def.timing == Timing::kCloseWithin) {
    fmt::print(out,
               "             the close within {} ms: the spec's 1 s x max(1, scale) + {} ms grace "
               "(the only tight bound)\n",
               options.close_bound().count(), kCloseGrace.count());
  }
  if (def.timing == Timing::kSlowDrip) {
    fmt::print(out, "             one byte every {} ms (--drip-ms; the spec allows up to 100 ms)\n",
               options.drip_interval.count());
  }
  if (def.timing == Timing::kPauses) {
    fmt::print(out, "             pauses of at most a third of the server's idle timeout "
                    "(--idle-timeout-ms {})\n",
               options.idle_timeout.count());
  }
  fmt::print(out, "  afterwards: liveness check — a fresh connection must be answered; a "
                  "failure is confirmed by a rerun alone\n");
}

}  // namespace kv
