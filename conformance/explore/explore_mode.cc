#include "conformance/explore/explore_mode.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>

#include "conformance/engine/interrupts.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/server_health.h"
#include "conformance/engine/startup_probe.h"
#include "conformance/engine/target.h"
#include "conformance/engine/verdicts.h"
#include "conformance/explore/explore_statistics.h"
#include "conformance/explore/key_space.h"
#include "conformance/explore/program_executor.h"
#include "conformance/explore/program_generator.h"
#include "conformance/explore/program_script.h"
#include "conformance/explore/program_stream.h"
#include "conformance/explore/request_encoding.h"
#include "conformance/explore/shrinker.h"
#include "conformance/explore/statistics_section.h"
#include "conformance/rules/rule_map.h"

namespace kv {

namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

// Reruns of the original failure on a fresh server before it counts as
// not reproducible, and reruns of the minimal program that confirm it.
constexpr int kReproduceTries = 3;
constexpr int kConfirmRuns = 3;
constexpr int kConfirmNeeded = 2;
constexpr int kMaxShrinkRuns = 500;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string where(const ExploreFailure& f) {
  return f.step >= 0 ? fmt::format("at step {}", f.step + 1) : std::string("after the last step");
}

// One failure followed up: reproduced, shrunk, confirmed (or not).
struct Investigation {
  std::uint64_t program_index = 0;
  Program original;
  Program minimal;
  ExploreFailure failure;  // As the minimal program (or the original) showed it.
  std::vector<WireEntry> wire_log;
  bool reproduced = false;
  int confirmations = 0;  // Of kConfirmRuns reruns of `minimal`.
  bool confirmed = false;
  double find_s = 0;
  double shrink_s = 0;
  ShrinkStats shrink;
  std::vector<std::string> notes;
};

struct Totals {
  std::uint64_t programs = 0, steps = 0, connections = 0, requests = 0;
  ExploreStatistics stats;  // Of the explored programs (not reruns or shrinking).
};

class Explorer {
 public:
  Explorer(ExploreConfig config, RunControl& control)
      : config_(std::move(config)),
        control_(control),
        server_(config_.exec_command.empty()
                    ? std::make_unique<Target>(config_.options, config_.target_name)
                    : std::make_unique<Target>(config_.exec_command, config_.options)) {}

  const ExploreConfig& config() const { return config_; }
  const RunOptions& options() const { return server_->options(); }
  const RunControl& control() const { return control_; }

  // Starts the --exec server, or checks that the --target answers.
  // Returns "" or why the target cannot be explored.
  asio::awaitable<std::string> start() {
    if (std::string error = co_await server_->start(); !error.empty()) {
      co_return "the --exec command could not be started: " + error;
    }
    const ProbeResult probe =
        co_await run_startup_probe(options(), fmt::format("startup/explore/{}", options().seed));
    if (probe.outcome == ProbeOutcome::kUnreachable) {
      co_return "target unreachable: " + probe.finding->details;
    }
    if (probe.finding) {
      fmt::print("note: start-up probe: {} (SPEC {}); exploring anyway\n", probe.finding->title,
                 probe.finding->rule);
    }
    co_return std::string();
  }

  void stop() { server_->stop(); }

  std::string target() const { return server_->name(); }
  bool started_here() const { return server_->started_here(); }

  // A fresh server for a rerun (--exec); a --target server is used as it is.
  asio::awaitable<bool> fresh() {
    if (!server_->started_here()) co_return true;
    std::string note;
    const std::string error = co_await server_->restart(note);
    if (!note.empty()) fmt::print("note: {}\n", note);
    if (!error.empty()) {
      fmt::print("kvconform: the server could not be restarted: {}\n", error);
      co_return false;
    }
    co_return true;
  }

  asio::awaitable<ProgramRun> run(const Program& program, std::uint64_t index) {
    ExecutorConfig exec;
    exec.options = options();
    exec.key_prefix = namespaces_.next(index);
    exec.strict = config_.strict;
    exec.target = server_.get();
    // A stop of the run (time budget, signal) ends the program at once;
    // it then reports nothing.
    auto ran = co_await (run_program(program, exec) || control_.until_stopped());
    if (ran.index() == 1) co_return ProgramRun{};
    ProgramRun r = std::get<0>(std::move(ran));
    note_health(r);
    co_return r;
  }

  // Keeps the liveness check after `r` as the server's health over the
  // run, and counts the connections the current incarnation has seen.
  void note_health(const ProgramRun& r) {
    const int generation = server_->generation();
    health_.record(r.liveness, generation);
    if (generation != counted_generation_) {
      counted_generation_ = generation;
      connections_here_ = 0;
    }
    connections_here_ += r.connections;
  }

  // A failed liveness check (no answer in time from a server that still
  // accepts) on a server kvconform started: a server that degrades as
  // connections come and go shows it late in a run only (SPEC 7.5).
  bool degradation_candidate(const ProgramRun& first) const {
    return started_here() && first.server_down &&
           first.liveness.outcome == LivenessOutcome::kUnanswered;
  }

  // Reruns `program` kConfirmRuns times on the server as it is, before any
  // restart (each run in a fresh key namespace, so that only timing and
  // liveness are judged by the same rule again); returns how many failed
  // with `rule`, and keeps the first such run in `first`.
  asio::awaitable<int> same_server_failures(const Program& program, std::uint64_t index,
                                            const std::string& rule, ProgramRun& first) {
    int failed = 0;
    for (int i = 0; i < kConfirmRuns && !control_.stopping(); ++i) {
      ProgramRun r = co_await run(program, index);
      if (r.failure && r.failure->rule == rule && r.server_down) {
        if (failed++ == 0) first = std::move(r);
      }
    }
    co_return failed;
  }

  // Makes `inv` the confirmed finding of a server that degrades as
  // connections come and go: the failing program failed `same_failed` of
  // kConfirmRuns reruns on the same server (`same` the first of them,
  // incarnation `generation`) and none on a fresh one, whose liveness
  // checks `fresh` all answered fast.
  void report_degradation(Investigation& inv, const ProgramRun& same, int same_failed,
                          std::uint64_t connections, int generation,
                          const std::vector<Liveness>& fresh) {
    double fresh_ms = 0;
    for (const Liveness& l : fresh) fresh_ms = std::max(fresh_ms, l.round_trip_ms);
    inv.failure = *same.failure;
    inv.failure.rule = "7.5";
    inv.failure.expected =
        "the server goes on serving new connections however many came and went before, "
        "releasing what each held (SPEC 7.5)";
    inv.failure.observed = fmt::format(
        "after {} connections against this server, {}; the program failed again in {} of {} "
        "reruns on the same server and in none of {} on a fresh server, whose liveness checks "
        "answered within {:.0f} ms",
        connections, same.failure->observed, same_failed, kConfirmRuns, fresh.size(), fresh_ms);
    if (const std::optional<Slowdown> slow =
            health_.slowdown(std::chrono::milliseconds(0), generation)) {
      inv.failure.observed += fmt::format(
          "; the liveness round trips of the server slowed from a median of {:.0f} ms "
          "(first checks) to {:.0f} ms (last answered ones)",
          slow->early_ms, slow->late_ms);
    }
    inv.wire_log = same.wire_log;
    inv.confirmations = same_failed;
    inv.confirmed = true;
    inv.notes.push_back(fmt::format(
        "a degradation over the run: the failure came back on the same server ({} of {} "
        "reruns) and not on a fresh one ({} reruns); not shrunk (each candidate would need "
        "the connections that came before)",
        same_failed, kConfirmRuns, fresh.size()));
  }

  // Whether `program` fails with `rule` on a fresh server. Keeps the run
  // in `keep` if it does, and its liveness check in `checked` (left as it
  // was when the program did not run).
  asio::awaitable<bool> fails_with(Program program, std::uint64_t index, std::string rule,
                                   ProgramRun* keep, Liveness* checked = nullptr) {
    if (control_.stopping() || !co_await fresh()) co_return false;
    ProgramRun r = co_await run(program, index);
    if (checked != nullptr) *checked = r.liveness;
    const bool same = r.failure && r.failure->rule == rule;
    if (!started_here() && r.server_down) target_down_ = true;
    if (same && keep != nullptr) *keep = std::move(r);
    co_return same;
  }

  asio::awaitable<Investigation> investigate(const Program& program, std::uint64_t index,
                                             ProgramRun first, double find_s) {
    Investigation inv;
    inv.program_index = index;
    inv.original = program;
    inv.minimal = program;
    inv.failure = *first.failure;
    inv.wire_log = first.wire_log;
    inv.find_s = find_s;
    const std::string rule = first.failure->rule;
    if (!started_here() && first.server_down) {
      inv.notes.push_back(
          "not rerun or shrunk: the --target server stopped answering; run with "
          "--exec so that kvconform can restart it");
      inv.confirmed = true;
      co_return inv;
    }
    // Before any restart: a failed liveness check is rerun on the same
    // server first (a degradation over the run, SPEC 7.5, shows only there).
    ProgramRun same;
    int same_failed = 0;
    const std::uint64_t connections = connections_here_;
    const int generation = server_->generation();
    if (degradation_candidate(first)) {
      fmt::print("  rerunning it on the same server...\n");
      std::fflush(stdout);
      same_failed = co_await same_server_failures(program, index, rule, same);
    }
    fmt::print("  rerunning it{}...\n", started_here() ? " on a fresh server" : "");
    std::fflush(stdout);
    ProgramRun again;
    std::vector<Liveness> fresh_checks;
    for (int i = 0; i < kReproduceTries && !inv.reproduced && !target_down_; ++i) {
      Liveness checked{false, "not run", LivenessOutcome::kNotAccepted, 0};
      inv.reproduced = co_await fails_with(program, index, rule, &again, &checked);
      fresh_checks.push_back(checked);
    }
    if (!inv.reproduced && !control_.stopping() &&
        degrades_over_run(same_failed, kConfirmNeeded, fresh_checks,
                          options().response_timeout())) {
      report_degradation(inv, same, same_failed, connections, generation, fresh_checks);
      co_return inv;
    }
    if (!inv.reproduced) {
      inv.notes.push_back(fmt::format("did not fail again in {} reruns{}", kReproduceTries,
                                      started_here() ? " on a fresh server" : ""));
      co_return inv;
    }
    fmt::print("  reproduced; shrinking (at most {:.0f} s, {} runs)...\n", config_.shrink_budget_s,
               kMaxShrinkRuns);
    std::fflush(stdout);
    const Clock::time_point shrink_start = Clock::now();
    const StillFails still_fails = [this, index, rule](const Program& candidate) {
      return fails_with(candidate, index, rule, nullptr);
    };
    inv.minimal = co_await shrink_program(
        program, still_fails,
        std::chrono::milliseconds(static_cast<long long>(config_.shrink_budget_s * 1000)),
        kMaxShrinkRuns, inv.shrink);
    ProgramRun confirm;
    inv.confirmations = co_await confirmations(inv.minimal, index, rule, confirm);
    if (inv.confirmations < kConfirmNeeded && inv.shrink.accepted > 0) {
      const int minimal_confirmations = inv.confirmations;
      const bool on_path = co_await fall_back_along_path(inv, program, index, rule, confirm);
      inv.notes.push_back(fmt::format(
          "the shrunk program failed only {} of {} reruns; {} is reported", minimal_confirmations,
          kConfirmRuns,
          on_path ? fmt::format("the smallest program of the shrink path that failed {} of {} "
                                "({} steps)",
                                inv.confirmations, kConfirmRuns, inv.minimal.steps.size())
                  : std::string("the original program")));
    }
    // Shrinking ends when the reported program is confirmed (or not).
    inv.shrink_s = seconds_since(shrink_start);
    inv.confirmed = inv.confirmations >= kConfirmNeeded;
    if (inv.confirmations > 0) {
      inv.failure = *confirm.failure;
      inv.wire_log = confirm.wire_log;
    } else {
      inv.failure = *again.failure;
      inv.wire_log = again.wire_log;
    }
    co_return inv;
  }

  // Reruns `program` kConfirmRuns times; returns how many failed with
  // `rule`, and keeps the first such run in `first`.
  asio::awaitable<int> confirmations(const Program& program, std::uint64_t index,
                                     const std::string& rule, ProgramRun& first) {
    int failed = 0;
    for (int i = 0; i < kConfirmRuns; ++i) {
      ProgramRun r;
      if (co_await fails_with(program, index, rule, &r)) {
        if (failed++ == 0) first = std::move(r);
      }
    }
    co_return failed;
  }

  // The shrunk program did not confirm: a flaky failure (an interleaving,
  // a timing) let the shrinker accept candidates that fail only sometimes.
  // Binary-searches the shrink path for the smallest candidate that still
  // confirms (later candidates are smaller and fail less steadily), and
  // falls back to the original program if none does. Sets inv.minimal,
  // inv.confirmations and `confirm`; true if a program of the path is kept.
  asio::awaitable<bool> fall_back_along_path(Investigation& inv, const Program& original,
                                             std::uint64_t index, const std::string& rule,
                                             ProgramRun& confirm) {
    const std::vector<Program>& path = inv.shrink.path;
    inv.minimal = original;
    inv.confirmations = 0;
    // path.back() is the shrunk program that just failed to confirm.
    std::ptrdiff_t lo = 0;
    std::ptrdiff_t hi = static_cast<std::ptrdiff_t>(path.size()) - 2;
    while (lo <= hi) {
      const std::ptrdiff_t mid = lo + (hi - lo) / 2;
      const Program candidate = compact_connections(path[static_cast<std::size_t>(mid)]);
      ProgramRun first;
      const int failed = co_await confirmations(candidate, index, rule, first);
      if (failed >= kConfirmNeeded) {
        inv.minimal = candidate;
        inv.confirmations = failed;
        confirm = std::move(first);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (inv.confirmations > 0) co_return true;
    inv.confirmations = co_await confirmations(original, index, rule, confirm);
    co_return false;
  }

  bool target_down_ = false;

 private:
  ExploreConfig config_;
  RunControl& control_;
  // A fresh key namespace for every run, reruns and shrink candidates
  // included: leftover state can neither cause nor confirm a failure.
  KeyNamespaces namespaces_{KeyNamespaces::random_nonce()};
  // The liveness checks after every run, by the server's incarnation
  // (engine/server_health.h), and the connections the current incarnation
  // has seen.
  ServerHealth health_;
  int counted_generation_ = -1;
  std::uint64_t connections_here_ = 0;
  // The server explored: its lifecycle, readiness and restarts are the
  // engine's (engine/target.h).
  std::unique_ptr<Target> server_;
};

GeneratorConfig generator_config(const ExploreConfig& c) {
  GeneratorConfig g;
  g.seed = c.options.seed;
  g.connections = c.connections;
  g.max_steps = c.max_steps;
  g.profile = c.options.profile;
  g.max_frame_bytes = c.options.max_frame_bytes;
  g.drip_interval = c.options.drip_interval;
  g.idle_timeout = c.options.idle_timeout;
  // Only a server kvconform started can be signalled and started again.
  g.terminate = !c.exec_command.empty();
  return g;
}

std::string profile_name(const RunOptions& o) {
  return o.profile == Profile::kSequential ? "sequential" : "concurrent";
}

ExploreScript script_of(const ExploreConfig& c, const Investigation& inv) {
  ExploreScript s;
  s.program = inv.minimal;
  s.profile = profile_name(c.options);
  s.max_frame_bytes = c.options.max_frame_bytes;
  s.seed = c.options.seed;
  s.program_index = inv.program_index;
  s.failure = inv.failure;
  return s;
}

RunReport base_report(const ExploreConfig& config, const std::string& target) {
  RunReport report;
  report.target = target;
  report.profile = profile_name(config.options);
  report.seed = config.options.seed;
  report.started = iso_utc_now();
  report.strict = config.strict;
  return report;
}

// The report of a run that could not start: `error` says why (exit 2).
RunReport aborted_report(const ExploreConfig& config, const std::string& error) {
  fmt::print(stderr, "kvconform: {}\n", error);
  RunReport report = base_report(config, config.target_name);
  report.aborted = error;
  return report;
}

CaseReport explore_case(const ExploreConfig& config) {
  CaseReport r;
  r.id = "explore";
  r.title = "random programs checked against the spec's model (kvconform explore)";
  r.rerun = fmt::format("{} --seed {} --budget-s {:g}", config.rerun_prefix,
                        config.options.seed, config.budget_s);
  return r;
}

std::string totals_text(const Totals& t, double seconds) {
  return fmt::format(
      "{} programs, {} steps, {} connections, {} requests in {:.1f} s ({:.0f} "
      "steps/s)",
      t.programs, t.steps, t.connections, t.requests, seconds,
      seconds > 0 ? static_cast<double>(t.steps) / seconds : 0.0);
}

void fill_failure_case(CaseReport& r, const ExploreConfig& config, const Investigation& inv,
                       const Totals& totals) {
  r.rule = inv.failure.rule;
  r.level = inv.failure.level;
  r.expected = fmt::format("{}: {}", where(inv.failure), inv.failure.expected);
  r.observed = inv.failure.observed;
  r.result = inv.confirmed ? level_result(Result::kFail, inv.failure.level) : Result::kFlaky;
  r.wire_log = inv.wire_log;
  r.notes.push_back(fmt::format("found by program {} of seed {}, {:.1f} s into the run ({})",
                                inv.program_index, config.options.seed, inv.find_s,
                                totals_text(totals, inv.find_s)));
  if (inv.reproduced) {
    r.notes.push_back(fmt::format(
        "shrunk from {} steps / {} request bytes to {} steps / {} request bytes over {} "
        "connection(s), in {:.1f} s and {} runs{}; the minimal program failed {} of {} reruns",
        inv.original.steps.size(), program_request_bytes(inv.original), inv.minimal.steps.size(),
        program_request_bytes(inv.minimal), program_connections(inv.minimal), inv.shrink_s,
        inv.shrink.runs, inv.shrink.out_of_budget ? " (shrinking ran out of budget)" : "",
        inv.confirmations, kConfirmRuns));
  }
  for (const std::string& note : inv.notes) r.notes.push_back(note);
  std::string steps = "minimal program:";
  for (const std::string& line : describe_program(inv.minimal)) steps += "\n" + line;
  r.notes.push_back(steps);
  if (!config.save_script.empty()) {
    r.rerun = fmt::format("{} {}", config.replay_prefix, config.save_script);
  }
}

void print_investigation(const ExploreConfig& config, const Investigation& inv) {
  fmt::print(
      "\nminimal failing program ({} steps, {} request bytes, {} connection(s); shrunk "
      "from {} steps / {} bytes in {:.1f} s, {} runs; failed {} of {} reruns):\n",
      inv.minimal.steps.size(), program_request_bytes(inv.minimal),
      program_connections(inv.minimal), inv.original.steps.size(),
      program_request_bytes(inv.original), inv.shrink_s, inv.shrink.runs, inv.confirmations,
      kConfirmRuns);
  for (const std::string& line : describe_program(inv.minimal)) fmt::print("  {}\n", line);
  fmt::print(
      "  then: every connection drained, every key read back, histories checked, "
      "liveness checked\n");
  fmt::print("  fails SPEC {} {}:\n    expected: {}\n    seen:     {}\n", inv.failure.rule,
             where(inv.failure), inv.failure.expected, inv.failure.observed);
  const std::string json = script_to_json(script_of(config, inv));
  if (!config.save_script.empty()) {
    std::ofstream out(config.save_script, std::ios::binary);
    out << json;
    if (out) {
      fmt::print("\nscript saved to {}; replay it with:\n  {} {}\n", config.save_script,
                 config.replay_prefix, config.save_script);
    } else {
      fmt::print(stderr, "kvconform: cannot write {}\n", config.save_script);
    }
  }
  fmt::print("\nJSON script (kvconform replay FILE runs it):\n{}", json);
}

class Progress {
 public:
  explicit Progress(bool on) : on_(on) {}
  void show(const Totals& t, double elapsed, double budget) {
    if (!on_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    fmt::print("\r  {:5.1f}/{:.0f} s  programs {}  steps {}  connections {}  {:.0f} steps/s   ",
               elapsed, budget, t.programs, t.steps, t.connections,
               elapsed > 0 ? static_cast<double>(t.steps) / elapsed : 0.0);
    std::fflush(stdout);
    shown_ = true;
  }
  void clear() {
    if (!shown_) return;
    fmt::print("\r{:80}\r", "");
    shown_ = false;
  }

 private:
  bool on_;
  bool shown_ = false;
  Clock::time_point last_{};
};

// What the exploring found: the first confirmed failure, else the first
// that could not be confirmed.
struct Findings {
  std::optional<Investigation> found;
  std::optional<Investigation> unconfirmed;
  const Investigation* shown() const {
    return found ? &*found : unconfirmed ? &*unconfirmed : nullptr;
  }
};

// Explores until the budget is spent, the run must stop, or a failure is
// confirmed.
asio::awaitable<Findings> explore_loop(Explorer& explorer, Totals& totals,
                                       Clock::time_point start) {
  const ExploreConfig& config = explorer.config();
  const GeneratorConfig generator = generator_config(config);
  Progress progress(config.progress);
  Findings findings;
  // Programs run side by side against a concurrent server (program_stream.h);
  // a failing one is investigated alone, once those in flight are done.
  ProgramStream stream(
      co_await asio::this_coro::executor, generator, programs_at_once(config.options.profile),
      [&explorer](const Program& program, std::uint64_t index) {
        return explorer.run(program, index);
      });
  // Failed programs waiting to be investigated, with when each was seen.
  std::deque<std::pair<ProgramStream::Finished, double>> failed;
  for (;;) {
    const bool stopping = explorer.control().stopping();
    if (stopping || seconds_since(start) >= config.budget_s) stream.pause();
    // A stop of the run investigates nothing more.
    if (stopping) failed.clear();
    std::optional<ProgramStream::Finished> finished;
    // A failure waits for the programs in flight before it is investigated.
    if (failed.empty() || stream.in_flight() > 0) finished = co_await stream.next();
    if (!finished && failed.empty()) break;
    if (finished) {
      // A program that a stop of the run cut short reports nothing.
      if (explorer.control().stopping()) continue;
      const ProgramRun& run = finished->run;
      ++totals.programs;
      totals.steps += run.steps;
      totals.connections += run.connections;
      totals.requests += run.requests;
      totals.stats.merge(run.stats);
      progress.show(totals, seconds_since(start), config.budget_s);
      if (std::getenv("KV_EXPLORE_TRACE") != nullptr) {
        fmt::print("trace: program {} {} steps {:.0f} ms\n", finished->index, run.steps,
                   run.duration_ms);
      }
      if (!run.failure) continue;
      failed.emplace_back(std::move(*finished), seconds_since(start));
      stream.pause();
      continue;
    }
    ProgramStream::Finished first = std::move(failed.front().first);
    const double find_s = failed.front().second;
    failed.pop_front();
    const ProgramRun& run = first.run;
    progress.clear();
    fmt::print("program {} (after {:.1f} s, {} programs, {} steps) fails SPEC {} {}: {}\n",
               first.index, find_s, totals.programs, totals.steps, run.failure->rule,
               where(*run.failure), run.failure->observed.substr(0, 300));
    std::fflush(stdout);
    Investigation inv =
        co_await explorer.investigate(first.program, first.index, std::move(first.run), find_s);
    if (inv.confirmed) {
      findings.found = std::move(inv);
      break;
    }
    fmt::print("  not confirmed: {}; exploring on\n",
               inv.notes.empty() ? std::string("?") : inv.notes.back());
    if (!findings.unconfirmed) findings.unconfirmed = std::move(inv);
    if (explorer.target_down_) break;
    if (!co_await explorer.fresh()) break;
    if (failed.empty()) stream.resume();
  }
  progress.clear();
  co_return findings;
}

// The machine-readable last line (conformance/explore/measure reads it).
void print_result_line(const Findings& findings, const Totals& totals, double elapsed) {
  const Investigation* shown = findings.shown();
  if (shown != nullptr) {
    fmt::print(
        "explore-result: outcome={} rule={} find_s={:.2f} programs={} shrink_s={:.2f} "
        "shrink_runs={} steps={} bytes={} connections={} original_steps={} "
        "original_bytes={} reproduced={}/{}\n",
        findings.found ? "found" : "unconfirmed", shown->failure.rule, shown->find_s,
        shown->program_index, shown->shrink_s, shown->shrink.runs, shown->minimal.steps.size(),
        program_request_bytes(shown->minimal), program_connections(shown->minimal),
        shown->original.steps.size(), program_request_bytes(shown->original), shown->confirmations,
        kConfirmRuns);
  } else {
    fmt::print(
        "explore-result: outcome=none programs={} steps={} connections={} requests={} "
        "seconds={:.1f}\n",
        totals.programs, totals.steps, totals.connections, totals.requests, elapsed);
  }
}

asio::awaitable<RunReport> explore(ExploreConfig config) {
  const Clock::time_point start = Clock::now();
  RunControl control(co_await asio::this_coro::executor, config.run_budget());
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  Explorer explorer(config, control);
  if (const std::string error = co_await explorer.start(); !error.empty()) {
    explorer.stop();
    co_return aborted_report(config, error);
  }
  fmt::print(
      "kvconform explore: against {} (profile {}, seed {}, budget {:g} s, {} "
      "connections, up to {} steps per program, max LEN {})\n",
      explorer.target(), profile_name(config.options), config.options.seed, config.budget_s,
      config.connections, config.max_steps, config.options.max_frame_bytes);
  std::fflush(stdout);
  Totals totals;
  const Findings findings = co_await explore_loop(explorer, totals, start);
  explorer.stop();
  const double elapsed = seconds_since(start);
  RunReport report = base_report(config, explorer.target());
  CaseReport r = explore_case(config);
  if (const Investigation* shown = findings.shown()) {
    fill_failure_case(r, config, *shown, totals);
    print_investigation(config, *shown);
  } else {
    r.result = Result::kPass;
    r.notes.push_back("nothing found: " + totals_text(totals, elapsed));
  }
  if (control.stopping()) r.notes.push_back("exploring stopped early: " + control.stop_cause());
  // The statistics of the explored programs, in every report.
  fill_statistics_section(totals.stats, elapsed, server_rules(), report.statistics);
  r.duration_ms = elapsed * 1000;
  report.cases.push_back(std::move(r));
  report.interrupted_by = control.interrupted_by();
  finish_report(report, {}, {}, start);
  fmt::print("explore: {}\n", totals_text(totals, elapsed));
  print_result_line(findings, totals, elapsed);
  co_return report;
}

asio::awaitable<RunReport> replay(ExploreConfig config) {
  std::string error;
  const std::optional<ExploreScript> script = load_script(config.replay, error);
  if (!script) co_return aborted_report(config, error);
  config.options.profile =
      script->profile == "sequential" ? Profile::kSequential : Profile::kConcurrent;
  config.options.max_frame_bytes = script->max_frame_bytes;
  RunControl control(co_await asio::this_coro::executor, config.run_budget());
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  Explorer explorer(config, control);
  if (const std::string failed = co_await explorer.start(); !failed.empty()) {
    explorer.stop();
    co_return aborted_report(config, failed);
  }
  fmt::print("kvconform replay {}: {} steps against {} (profile {}, max LEN {})\n", config.replay,
             script->program.steps.size(), explorer.target(), script->profile,
             script->max_frame_bytes);
  for (const std::string& line : describe_program(script->program)) fmt::print("  {}\n", line);
  if (script->failure) {
    fmt::print("  saved with: SPEC {} {}: {}\n", script->failure->rule, where(*script->failure),
               script->failure->observed.substr(0, 300));
  }
  const Clock::time_point start = Clock::now();
  const ProgramRun run = co_await explorer.run(script->program, script->program_index);
  explorer.stop();
  fmt::print(
      "\nwire log (times from the program's start; conn 90 reads every key back, conn 99 "
      "is the liveness check):\n{}\n",
      format_wire_log(run.wire_log));
  RunReport report = base_report(config, explorer.target());
  CaseReport r = explore_case(config);
  r.id = "explore/replay";
  r.title = "replay of " + config.replay;
  r.rerun = fmt::format("{} {}", config.replay_prefix, config.replay);
  r.wire_log = run.wire_log;
  r.duration_ms = seconds_since(start) * 1000;
  if (run.failure) {
    r.rule = run.failure->rule;
    r.level = run.failure->level;
    r.result = level_result(Result::kFail, run.failure->level);
    r.expected = fmt::format("{}: {}", where(*run.failure), run.failure->expected);
    r.observed = run.failure->observed;
    fmt::print("FAIL: SPEC {} {}\n  expected: {}\n  seen:     {}\n", run.failure->rule,
               where(*run.failure), run.failure->expected, run.failure->observed);
  } else {
    fmt::print("PASS: the program ran as the spec says\n");
  }
  report.cases.push_back(std::move(r));
  report.interrupted_by = control.interrupted_by();
  finish_report(report, {}, {}, start);
  co_return report;
}

}  // namespace

asio::awaitable<RunReport> explore_server(ExploreConfig config) {
  co_return co_await explore(std::move(config));
}

asio::awaitable<RunReport> replay_script(ExploreConfig config) {
  co_return co_await replay(std::move(config));
}

}  // namespace kv
