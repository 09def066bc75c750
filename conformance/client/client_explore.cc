#include "conformance/client/client_explore.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>

#include "conformance/cases/case_helpers.h"
#include "conformance/client/client_mode.h"
#include "conformance/client/client_program_generator.h"
#include "conformance/client/client_program_runner.h"
#include "conformance/client/client_runner.h"
#include "conformance/client/client_script.h"
#include "conformance/client/client_shrinker.h"
#include "conformance/engine/interrupts.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/run_guard.h"
#include "conformance/explore/explore_mode.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Reruns of a failure before it counts as not reproducible, reruns of the
// minimal program that confirm it, and the shrinker's cap on runs.
constexpr int kReproduceTries = 3;
constexpr int kConfirmRuns = 3;
constexpr int kConfirmNeeded = 2;
constexpr int kMaxShrinkRuns = 400;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string iso_now() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::string where(const ClientFailure& f) {
  return f.step >= 0 ? fmt::format("at step {}", f.step + 1) : std::string("after the last step");
}

// One program played once: what the runner saw and the case report (with
// the wire log) made of it.
struct Played {
  ClientProgramRun run;
  CaseReport report;
};

// The outer bound of one program (run_guarded()); every step of a program
// has its own bound, far below this.
constexpr std::chrono::minutes kProgramDeadline{10};

asio::awaitable<Verdict> play(ClientCaseContext& ctx, ClientProgram program,
                              std::shared_ptr<ClientProgramRun> out) {
  *out = co_await run_client_program(ctx, program);
  if (out->failure) co_return fail_verdict(out->failure->expected, out->failure->observed);
  if (out->inconclusive) co_return error_verdict(out->note);
  co_return passed();
}

class ClientExplorer {
 public:
  ClientExplorer(const ClientExploreConfig& config, RunControl& control)
      : config_(config), control_(control) {
    suite_.options = config.options;
    suite_.jobs = 1;
    suite_.confirm = false;
    suite_.rerun_prefix = config.rerun_prefix;
  }

  RunControl& control() { return control_; }

  // Plays `program` against a fresh adapter and scripted server, as one
  // check of the client cases' source (conformance/client/client_runner.h)
  // guarded by the engine (run_guard.h). A program the run's stop cut
  // short is inconclusive.
  asio::awaitable<Played> play_once(const ClientProgram& program, std::uint64_t index) {
    auto out = std::make_shared<ClientProgramRun>();
    ClientCaseDef def;
    def.id = fmt::format("client-explore/{}", index);
    def.quote = "a client program judged by the spec's model";
    def.run = [program, out](ClientCaseContext& ctx) { return play(ctx, program, out); };
    ClientCaseSource source(suite_, {&def});
    WireLog log;
    std::vector<std::string> notes;
    CheckRun run{0, run_options_, nullptr, log, notes};
    GuardedVerdict guarded = co_await run_guarded(
        [&source, &run] { return source.run(0, run); },
        config_.options.scaled(std::chrono::duration_cast<std::chrono::milliseconds>(
            kProgramDeadline)),
        control_);
    Played played;
    played.run = std::move(*out);
    played.report.id = def.id;
    played.report.result = guarded.verdict.result;
    played.report.expected = guarded.verdict.expected;
    played.report.observed = guarded.verdict.observed;
    played.report.notes = std::move(notes);
    played.report.duration_ms = log.elapsed_ms();
    played.report.wire_log = log.entries();
    if (!guarded.stopped_because.empty()) {
      played.run.failure.reset();
      played.run.inconclusive = true;
      played.run.note = "stopped: " + guarded.stopped_because;
      co_return played;
    }
    // A crash noticed when the adapter was ended, after the last step.
    if (!played.run.failure && played.report.result == Result::kFail) {
      played.run.failure = ClientFailure{ClientFailureKind::kCrash, "13.12", -1,
                                         played.report.expected, played.report.observed};
    }
    co_return played;
  }

  // Whether `program` fails with a failure of `kind`.
  asio::awaitable<bool> fails_like(const ClientProgram& program, std::uint64_t index,
                                   ClientFailureKind kind, Played* keep) {
    Played p = co_await play_once(program, index);
    ++shrink_programs_;
    const bool same = p.run.failure && p.run.failure->kind == kind;
    if (same && keep != nullptr) *keep = std::move(p);
    co_return same;
  }

  asio::awaitable<int> confirmations(const ClientProgram& program, std::uint64_t index,
                                     ClientFailureKind kind, Played& first) {
    int failed = 0;
    for (int i = 0; i < kConfirmRuns; ++i) {
      Played p;
      if (co_await fails_like(program, index, kind, &p)) {
        if (failed++ == 0) first = std::move(p);
      }
    }
    co_return failed;
  }

  const ClientExploreConfig& config_;
  RunControl& control_;
  ClientSuiteConfig suite_;
  // The client suite brings its own target: the engine's options are not
  // used by its checks.
  RunOptions run_options_;
  std::uint64_t shrink_programs_ = 0;
};

// A failure followed up: reproduced, shrunk, confirmed (or not).
struct Investigation {
  std::uint64_t index = 0;
  ClientProgram original;
  ClientProgram minimal;
  Played shown;  // The run reported: the first confirming run of `minimal`.
  bool reproduced = false;
  int confirmations = 0;
  bool confirmed = false;
  double find_s = 0;
  double shrink_s = 0;
  ClientShrinkStats shrink;
  std::vector<std::string> notes;
};

asio::awaitable<Investigation> investigate(ClientExplorer& explorer, const ClientExploreConfig& c,
                                           const ClientProgram& program, std::uint64_t index,
                                           Played first, double find_s) {
  Investigation inv;
  inv.index = index;
  inv.original = program;
  inv.minimal = program;
  inv.find_s = find_s;
  const ClientFailureKind kind = first.run.failure->kind;
  inv.shown = std::move(first);
  fmt::print("  rerunning it...\n");
  std::fflush(stdout);
  for (int i = 0; i < kReproduceTries && !inv.reproduced; ++i) {
    inv.reproduced = co_await explorer.fails_like(program, index, kind, nullptr);
  }
  if (!inv.reproduced) {
    inv.notes.push_back(fmt::format("did not fail again in {} reruns", kReproduceTries));
    co_return inv;
  }
  fmt::print("  reproduced; shrinking (at most {:.0f} s, {} runs)...\n", c.shrink_budget_s,
             kMaxShrinkRuns);
  std::fflush(stdout);
  const Clock::time_point start = Clock::now();
  const ClientStillFails still_fails = [&explorer, index, kind](const ClientProgram& candidate) {
    return explorer.fails_like(candidate, index, kind, nullptr);
  };
  inv.minimal = co_await shrink_client_program(
      program, still_fails,
      std::chrono::milliseconds(static_cast<long long>(c.shrink_budget_s * 1000)), kMaxShrinkRuns,
      inv.shrink);
  Played confirm;
  inv.confirmations = co_await explorer.confirmations(inv.minimal, index, kind, confirm);
  if (inv.confirmations < kConfirmNeeded && inv.shrink.accepted > 0) {
    inv.notes.push_back(fmt::format(
        "the shrunk program failed only {} of {} reruns; the original program is reported",
        inv.confirmations, kConfirmRuns));
    inv.minimal = program;
    inv.confirmations = co_await explorer.confirmations(program, index, kind, confirm);
  }
  inv.shrink_s = seconds_since(start);
  inv.confirmed = inv.confirmations >= kConfirmNeeded;
  if (inv.confirmations > 0) inv.shown = std::move(confirm);
  co_return inv;
}

// The run's statistics in the report model (every reporter shows them):
// what was played, and the SPEC rules whose judgements ran.
void fill_statistics(RunStatistics& stats, const ClientRunCounts& t, std::uint64_t programs,
                     std::uint64_t inconclusive, double seconds) {
  StatGroup& run = stats.group("client exploration");
  run.note = "random client programs played against the adapter and judged by the spec's model";
  run.add("programs", static_cast<double>(programs));
  run.add("inconclusive programs", static_cast<double>(inconclusive));
  run.add("steps", static_cast<double>(t.steps));
  run.add("requests", static_cast<double>(t.requests));
  run.add("connections", static_cast<double>(t.connections));
  run.set("time", seconds, "s");
  if (seconds > 0) run.set("programs per second", static_cast<double>(programs) / seconds, "/s");
  const auto counts = [&](const char* name, const std::map<std::string, std::uint64_t>& from) {
    StatGroup& group = stats.group(name);
    for (const auto& [key, n] : from) group.add(key, static_cast<double>(n));
  };
  counts("client exploration: commands", t.commands);
  counts("client exploration: misbehaviours", t.faults);
  counts("client exploration: legal answers by form", t.forms);
  counts("client exploration: steps by answer shape", t.shapes);
  for (const char* rule : {"13.1", "13.2", "13.3", "13.4", "13.5", "13.6", "13.7", "13.8", "13.9",
                           "13.10", "13.11", "13.13"}) {
    stats.can_judge(rule);
  }
  for (const auto& [rule, n] : t.rules) stats.judged(rule, n);
}

RunReport base_report(const ClientExploreConfig& c) {
  RunReport report;
  report.target = c.options.command;
  report.profile = "client";
  report.seed = c.options.seed;
  report.started = iso_now();
  return report;
}

void print_script(const ClientExploreConfig& c, const Investigation& inv) {
  ClientScript script;
  script.program = inv.minimal;
  script.client_timeout_ms = static_cast<std::uint32_t>(c.options.client_timeout.count());
  script.max_frame_bytes = c.options.client_max_frame_bytes;
  script.seed = c.options.seed;
  script.program_index = inv.index;
  script.failure = inv.shown.run.failure;
  const std::string json = client_script_to_json(script);
  if (!c.save_script.empty()) {
    std::ofstream out(c.save_script, std::ios::binary);
    out << json;
    if (out) {
      fmt::print("\nscript saved to {}; replay it with:\n  {} {}\n", c.save_script,
                 c.replay_prefix, c.save_script);
    } else {
      fmt::print(stderr, "kvconform: cannot write {}\n", c.save_script);
    }
  }
  fmt::print("\nJSON script (kvconform replay FILE --exec CMD runs it):\n{}", json);
}

// The whole run's budget: --time-budget-s, or exploring, shrinking and
// the reruns that confirm a failure (as for kvconform explore).
std::chrono::milliseconds run_budget(const ClientExploreConfig& c) {
  const double seconds =
      c.time_budget_s > 0 ? c.time_budget_s : c.budget_s + c.shrink_budget_s + kExploreBudgetMargin;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

std::string check_usable(const ClientExploreConfig& c) {
  if (std::string error = check_adapter_command(c.options.command); !error.empty()) return error;
  if (c.budget_s <= 0 || c.shrink_budget_s < 0 || c.max_steps < 1) {
    return "--budget-s must be positive, --shrink-budget-s not negative, --max-steps at least 1";
  }
  return {};
}

}  // namespace

asio::awaitable<RunReport> explore_client(ClientExploreConfig config) {
  RunReport report = base_report(config);
  if (const std::string error = check_usable(config); !error.empty()) {
    fmt::print(stderr, "kvconform: {}\n", error);
    report.aborted = error;
    co_return report;
  }
  ::signal(SIGPIPE, SIG_IGN);
  const Clock::time_point start = Clock::now();
  fmt::print(
      "kvconform client --explore: against {} (seed {}, budget {:g} s, up to {} steps per "
      "program, client timeout {} ms, max LEN {})\n",
      config.options.command, config.options.seed, config.budget_s, config.max_steps,
      config.options.client_timeout.count(), config.options.client_max_frame_bytes);
  std::fflush(stdout);
  ClientGeneratorConfig generator;
  generator.seed = config.options.seed;
  generator.max_steps = config.max_steps;
  generator.client_timeout = config.options.client_timeout;
  generator.max_frame_bytes = config.options.client_max_frame_bytes;
  // The run's budget and its stop signals, as for kvconform explore:
  // exploring, shrinking and the reruns that confirm a failure.
  RunControl control(co_await asio::this_coro::executor, run_budget(config));
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  ClientExplorer explorer(config, control);
  ClientRunCounts totals;
  std::uint64_t programs = 0, inconclusive = 0;
  std::optional<Investigation> found;
  for (std::uint64_t index = 1; seconds_since(start) < config.budget_s && !control.stopping();
       ++index) {
    const ClientProgram program = generate_client_program(generator, index);
    Played played = co_await explorer.play_once(program, index);
    ++programs;
    totals.add(played.run.counts);
    if (played.run.inconclusive) {
      ++inconclusive;
      fmt::print("program {}: inconclusive: {}\n", index, played.run.note);
      continue;
    }
    if (config.progress && programs % 10 == 0) {
      fmt::print("\r  {:5.1f}/{:.0f} s  programs {}  requests {}   ", seconds_since(start),
                 config.budget_s, programs, totals.requests);
      std::fflush(stdout);
    }
    if (!played.run.failure) continue;
    const double find_s = seconds_since(start);
    const ClientFailure& f = *played.run.failure;
    fmt::print("{}program {} (after {:.1f} s, {} programs) fails SPEC {} {} ({}): {}\n",
               config.progress ? "\n" : "", index, find_s, programs, f.rule, where(f),
               failure_kind_name(f.kind), f.observed.substr(0, 300));
    std::fflush(stdout);
    Investigation inv =
        co_await investigate(explorer, config, program, index, std::move(played), find_s);
    if (inv.confirmed) {
      found = std::move(inv);
      break;
    }
    fmt::print("  not confirmed: {}; exploring on\n",
               inv.notes.empty() ? std::string("?") : inv.notes.back());
  }
  const double elapsed = seconds_since(start);
  CaseReport r;
  r.id = "client-explore";
  r.rule = "13";
  r.title =
      "random client programs judged by the spec's model (kvconform client --exec CMD "
      "--explore)";
  r.rerun = fmt::format("{} --explore --seed {} --budget-s {:g}", config.rerun_prefix,
                        config.options.seed, config.budget_s);
  r.duration_ms = elapsed * 1000;
  if (found) {
    const Investigation& inv = *found;
    const ClientFailure& f = *inv.shown.run.failure;
    r.rule = f.rule;
    r.result = Result::kFail;
    r.expected = fmt::format("{}: {}", where(f), f.expected);
    r.observed = f.observed;
    r.wire_log = inv.shown.report.wire_log;
    r.notes.push_back(fmt::format("found by program {} of seed {}, {:.1f} s into the run",
                                  inv.index, config.options.seed, inv.find_s));
    r.notes.push_back(fmt::format(
        "shrunk from {} steps / {} requests to {} steps / {} requests / {} data bytes in {:.1f} s "
        "and {} runs{}; the minimal program failed {} of {} reruns",
        inv.original.steps.size(), program_requests(inv.original), inv.minimal.steps.size(),
        program_requests(inv.minimal), program_data_bytes(inv.minimal), inv.shrink_s,
        inv.shrink.runs, inv.shrink.out_of_budget ? " (shrinking ran out of budget)" : "",
        inv.confirmations, kConfirmRuns));
    for (const std::string& note : inv.notes) r.notes.push_back(note);
    std::string steps = "minimal program:";
    for (const std::string& line : describe_program(inv.minimal)) steps += "\n" + line;
    r.notes.push_back(steps);
    if (!config.save_script.empty()) {
      r.rerun = fmt::format("{} {}", config.replay_prefix, config.save_script);
    }
    fmt::print(
        "\nminimal failing program ({} steps, {} requests, {} data bytes; shrunk from {} steps / "
        "{} requests in {:.1f} s, {} runs; failed {} of {} reruns):\n",
        inv.minimal.steps.size(), program_requests(inv.minimal), program_data_bytes(inv.minimal),
        inv.original.steps.size(), program_requests(inv.original), inv.shrink_s, inv.shrink.runs,
        inv.confirmations, kConfirmRuns);
    for (const std::string& line : describe_program(inv.minimal)) fmt::print("  {}\n", line);
    fmt::print("  fails SPEC {} {} ({}):\n    expected: {}\n    seen:     {}\n", f.rule, where(f),
               failure_kind_name(f.kind), f.expected, f.observed);
    print_script(config, inv);
  } else {
    r.result = Result::kPass;
  }
  fill_statistics(report.statistics, totals, programs, inconclusive, elapsed);
  report.cases.push_back(std::move(r));
  report.summary.add(report.cases.back().result);
  report.duration_ms = elapsed * 1000;
  report.interrupted_by = control.interrupted_by();
  if (control.stopping()) {
    report.cases.back().notes.push_back("exploring stopped early: " + control.stop_cause());
  }
  if (found) {
    const Investigation& inv = *found;
    fmt::print(
        "client-explore-result: outcome=found kind={} rule={} find_s={:.2f} programs={} "
        "shrink_s={:.2f} shrink_runs={} steps={} requests={} bytes={} original_steps={} "
        "original_requests={} reproduced={}/{}\n",
        failure_kind_name(inv.shown.run.failure->kind), inv.shown.run.failure->rule, inv.find_s,
        programs, inv.shrink_s, inv.shrink.runs, inv.minimal.steps.size(),
        program_requests(inv.minimal), program_data_bytes(inv.minimal), inv.original.steps.size(),
        program_requests(inv.original), inv.confirmations, kConfirmRuns);
  } else {
    fmt::print(
        "client-explore-result: outcome=none programs={} inconclusive={} steps={} requests={} "
        "connections={} seconds={:.1f}\n",
        programs, inconclusive, totals.steps, totals.requests, totals.connections, elapsed);
  }
  co_return report;
}

asio::awaitable<RunReport> replay_client_script(ClientExploreConfig config) {
  RunReport report = base_report(config);
  std::string error;
  const std::optional<ClientScript> script = load_client_script(config.replay, error);
  if (error.empty()) error = check_usable(config);
  if (!script || !error.empty()) {
    fmt::print(stderr, "kvconform: {}\n", error);
    report.aborted = error;
    co_return report;
  }
  ::signal(SIGPIPE, SIG_IGN);
  config.options.client_timeout = std::chrono::milliseconds(script->client_timeout_ms);
  if (script->max_frame_bytes != 0) config.options.client_max_frame_bytes = script->max_frame_bytes;
  fmt::print("kvconform replay {}: {} steps against {} (client timeout {} ms, max LEN {})\n",
             config.replay, script->program.steps.size(), config.options.command,
             config.options.client_timeout.count(), config.options.client_max_frame_bytes);
  for (const std::string& line : describe_program(script->program)) fmt::print("  {}\n", line);
  if (script->failure) {
    fmt::print("  saved with: SPEC {} {} ({}): {}\n", script->failure->rule,
               where(*script->failure), failure_kind_name(script->failure->kind),
               script->failure->observed.substr(0, 300));
  }
  const Clock::time_point start = Clock::now();
  RunControl control(co_await asio::this_coro::executor, run_budget(config));
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  ClientExplorer explorer(config, control);
  const Played played = co_await explorer.play_once(script->program, script->program_index);
  fmt::print("\nwire log (times from the program's start; connection 0 is the adapter):\n{}\n",
             format_wire_log(played.report.wire_log));
  CaseReport r;
  r.id = "client-explore/replay";
  r.title = "replay of " + config.replay;
  r.rerun = fmt::format("{} {}", config.replay_prefix, config.replay);
  r.wire_log = played.report.wire_log;
  r.duration_ms = seconds_since(start) * 1000;
  if (played.run.failure) {
    const ClientFailure& f = *played.run.failure;
    r.rule = f.rule;
    r.result = Result::kFail;
    r.expected = fmt::format("{}: {}", where(f), f.expected);
    r.observed = f.observed;
    fmt::print("FAIL: SPEC {} {} ({})\n  expected: {}\n  seen:     {}\n", f.rule, where(f),
               failure_kind_name(f.kind), f.expected, f.observed);
  } else if (played.run.inconclusive) {
    r.result = Result::kError;
    r.observed = played.run.note;
    fmt::print("INCONCLUSIVE: {}\n", played.run.note);
  } else {
    fmt::print("PASS: the program ran as the spec says\n");
  }
  fill_statistics(report.statistics, played.run.counts, 1, played.run.inconclusive ? 1 : 0,
                  seconds_since(start));
  report.cases.push_back(std::move(r));
  report.summary.add(report.cases.back().result);
  report.duration_ms = seconds_since(start) * 1000;
  report.interrupted_by = control.interrupted_by();
  co_return report;
}

}  // namespace kv
