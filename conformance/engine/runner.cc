#include "conformance/engine/runner.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <map>
#include <optional>
#include <set>

#include "conformance/cases/case_helpers.h"
#include "conformance/engine/confirmation.h"
#include "conformance/engine/liveness.h"
#include "conformance/engine/root_causes.h"
#include "conformance/engine/server_supervisor.h"
#include "conformance/engine/startup_probe.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// How long a crashed server's process may take to be seen as exited.
constexpr std::chrono::milliseconds kExitGrace{500};
// How often a --target server is probed while kvconform waits for it to
// come back after it stopped answering.
constexpr std::chrono::milliseconds kRecoveryPoll{500};

std::string iso_now() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

// One selected case and what is known about it.
struct CaseSlot {
  const CaseDef* def = nullptr;
  CaseReport report;
  // Its first run overlapped a crash or wedge, or was followed by one: the
  // first verdict is void until a rerun alone judges the case.
  bool suspect = false;
  // Never run (the run stopped early, or the server was unresponsive).
  bool not_run = false;
  Clock::time_point finished;
};

// A crash or wedge seen during the main pass.
struct Death {
  std::string what;                // "was killed by signal 6 (SIGABRT)", ...
  std::vector<std::size_t> cases;  // The suspects: slots that may have caused it.
  bool reproduced = false;         // Some suspect brought the server down alone.
};

// A case being run that the runner may stop early.
struct RunningCase {
  asio::steady_timer* stop = nullptr;
  bool interrupted = false;
};

// What one run of a case produced.
struct CaseRun {
  CaseReport report;
  bool interrupted = false;          // Stopped by the runner (the server died).
  std::optional<Liveness> liveness;  // The check after it, when one ran.
  int generation = 0;                // The server's incarnation it ran against.
};

}  // namespace

struct Runner::State {
  RunnerConfig config;
  RunnerEvents events;
  std::unique_ptr<ServerSupervisor> supervisor;
  RunReport report;
  std::vector<CaseSlot> slots;
  std::map<std::size_t, RunningCase*> running;
  // Slots run since the server was last seen healthy after them.
  std::set<std::size_t> since_healthy;
  std::vector<Death> deaths;
  // Increments each time the server is restarted (--exec).
  int generation = 0;
  bool recovering = false;
  int consecutive_deaths = 0;
  // Non-empty once no more case may start: the "not run" reason.
  std::string stop_reason;
  std::size_t done = 0;
  // Confirmation: extra servers for parallel reruns (--exec), progress,
  // and why no further rerun is possible (once set).
  std::vector<std::unique_ptr<ServerSupervisor>> spare_servers;
  std::size_t confirmed = 0;
  std::size_t confirm_total = 0;
  int consecutive_rerun_deaths = 0;
  std::string cannot_confirm;

  State(RunnerConfig c, RunnerEvents e) : config(std::move(c)), events(std::move(e)) {}

  const RunOptions& options() const { return config.options; }

  void note(const std::string& text) {
    if (events.note) events.note(text);
  }

  std::string skip_reason(const CaseDef& def) const {
    if (const auto glob = first_match(config.exclude, def.id)) {
      return fmt::format("excluded by --exclude '{}'", *glob);
    }
    if (def.stops_server && config.exec_command.empty()) {
      return "needs --exec: the case stops the server with a signal, and kvconform can signal "
             "only a server it started itself";
    }
    if (options().max_frame_bytes < def.min_max_frame_bytes) {
      return fmt::format("its frames need --max-frame-bytes {} or more", def.min_max_frame_bytes);
    }
    const bool concurrent = options().profile == Profile::kConcurrent;
    if (def.scope == ProfileScope::kConcurrentOnly && !concurrent) {
      return "applies to the concurrent profile only";
    }
    if (def.scope == ProfileScope::kSequentialOnly && concurrent) {
      return "applies to the sequential profile only";
    }
    return {};
  }

  CaseReport blank_report(const CaseDef& def) const {
    CaseReport r;
    r.id = def.id;
    r.rule = def.rule();
    r.level = def.level;
    r.title = def.quote;
    r.rerun =
        fmt::format("{} --cases '{}' --seed {} -v", config.rerun_prefix, def.id, options().seed);
    return r;
  }

  void mark_not_run(std::size_t i, const std::string& reason) {
    CaseSlot& slot = slots[i];
    slot.report = blank_report(*slot.def);
    slot.report.result = Result::kError;
    slot.report.observed = reason;
    slot.report.not_run = true;
    slot.not_run = true;
    finish_first_run(i);
  }

  void finish_first_run(std::size_t i) {
    ++done;
    if (events.case_done) events.case_done(slots[i].report, done, slots.size());
  }

  // The outer bound of one case: every step has its own deadline; this
  // only catches a case that chains so many steps that it runs too long.
  std::chrono::milliseconds case_deadline() const {
    return options().scaled(std::chrono::seconds(120));
  }

  asio::awaitable<Verdict> run_guarded(const CaseDef& def, CaseContext& ctx, RunningCase& control) {
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer stop(executor);
    stop.expires_after(case_deadline());
    control.stop = &stop;
    try {
      auto outcome = co_await (def.run(ctx) || stop.async_wait(kTuple));
      control.stop = nullptr;
      if (outcome.index() == 0) co_return std::get<0>(std::move(outcome));
      if (control.interrupted) {
        co_return error_verdict(
            "interrupted: the server stopped answering while this case ran (it is rerun alone "
            "to judge it)");
      }
      co_return error_verdict(fmt::format("the case exceeded its overall deadline of {:g} s",
                                          static_cast<double>(case_deadline().count()) / 1000.0));
    } catch (const std::exception& e) {
      control.stop = nullptr;
      co_return error_verdict(std::string("the harness threw: ") + e.what());
    }
  }

  // Starts `server` again after a case that stopped it on purpose
  // (stops_server), so that the liveness check after the case and every
  // later case find a fresh server; the deliberate exit is no death and
  // does not count against --max-restarts. Returns the server's endpoint;
  // a failure to restart is noted on `report` (the liveness check then
  // fails and the usual recovery takes over).
  asio::awaitable<asio::ip::tcp::endpoint> restart_after_deliberate_stop(ServerSupervisor& server,
                                                                         WireLog& log,
                                                                         CaseReport& report) {
    log.info(0, fmt::format("the case stopped the server on purpose ({}); starting it again",
                            server.exit_description()));
    std::string port_note;
    const std::string error = co_await server.restart(port_note);
    if (!port_note.empty()) log.info(0, port_note);
    if (!error.empty()) {
      report.notes.push_back("the server could not be started again after this case: " + error);
    }
    if (&server == supervisor.get()) config.options.endpoint = server.endpoint();
    co_return server.endpoint();
  }

  // Runs one case (attempt 0: the main pass; 1: a rerun) and then, unless
  // it was interrupted or the server is being recovered, checks liveness.
  // `slot` registers the case as running, so that it can be interrupted.
  // `on` is the run's options with the endpoint of the server to use, and
  // `server` that server's process under --exec (null under --target).
  asio::awaitable<CaseRun> execute(const CaseDef& def, int attempt, std::size_t slot,
                                   const RunOptions& on, ServerSupervisor* server) {
    CaseRun run;
    run.generation = generation;
    WireLog log;
    CaseContext ctx(on, def.id, log, attempt, server);
    RunningCase control;
    running[slot] = &control;
    Verdict verdict = co_await run_guarded(def, ctx, control);
    running.erase(slot);
    run.interrupted = control.interrupted;
    CaseReport& r = run.report;
    r = blank_report(def);
    r.result = verdict.result;
    r.expected = std::move(verdict.expected);
    r.observed = std::move(verdict.observed);
    if (r.result == Result::kSkip) {
      r.notes.push_back(r.observed);
      r.observed.clear();
    }
    if (r.result == Result::kFail && def.level == Level::kShould) r.result = Result::kLenient;
    RunOptions after = on;
    if (def.stops_server && server != nullptr) {
      after.endpoint = co_await restart_after_deliberate_stop(*server, log, r);
    }
    if (!run.interrupted && !recovering && generation == run.generation) {
      log.info(0, "liveness check: PUT and GET on a fresh connection (connection 99)");
      run.liveness = co_await check_liveness(
          after, log, fmt::format("liveness/{}/{}.{}", on.seed, def.id, attempt));
    }
    r.duration_ms = log.elapsed_ms();
    r.wire_log = log.entries();
    co_return run;
  }

  // How the server `server` (null: a --target server) looks after a
  // failed liveness check, in words.
  static asio::awaitable<std::string> describe_death(ServerSupervisor* server,
                                                     const std::string& problem) {
    if (server == nullptr) co_return "stopped answering new connections (" + problem + ")";
    for (auto waited = std::chrono::milliseconds(0); waited < kExitGrace;
         waited += std::chrono::milliseconds(20)) {
      if (server->exited()) break;
      co_await pause(std::chrono::milliseconds(20));
    }
    if (!server->exited()) {
      co_return "stopped answering new connections while its process kept running (a wedge: " +
          problem + ")";
    }
    const std::string said = server->output_tail();
    co_return server->exit_description() + (said.empty() ? "" : "; it printed: " + said);
  }

  // Waits for a --target server to answer again, or restarts an --exec
  // one. Returns "" once it serves, or why it does not.
  asio::awaitable<std::string> recover() {
    if (supervisor) {
      std::string port_note;
      const std::string error = co_await supervisor->restart(port_note);
      ++generation;
      if (!port_note.empty()) {
        report.notes.push_back(port_note);
        note(port_note);
      }
      if (!error.empty()) co_return "the server could not be restarted: " + error;
      config.options.endpoint = supervisor->endpoint();
      co_return std::string();
    }
    const auto window = options().scaled(std::chrono::seconds(10));
    const auto deadline = Clock::now() + window;
    while (Clock::now() < deadline) {
      WireLog log;
      const Liveness alive = co_await check_liveness(options(), log, "liveness/recovery");
      if (alive.alive) co_return std::string();
      co_await pause(kRecoveryPoll);
    }
    co_return fmt::format(
        "the server did not answer again within {} ms (kvconform restarts a server only when it "
        "starts it, with --exec)",
        window.count());
  }

  // The server stopped answering after slot `trigger`'s case. Stops the
  // cases still running, marks the suspects, and recovers the server.
  asio::awaitable<void> handle_death(std::size_t trigger, const std::string& problem) {
    slots[trigger].suspect = true;
    if (recovering) co_return;  // Another case is recovering it already.
    recovering = true;
    for (auto& [slot, control] : running) {
      control->interrupted = true;
      if (control->stop != nullptr) control->stop->cancel();
    }
    while (!running.empty()) co_await pause(std::chrono::milliseconds(10));
    Death death;
    death.what = co_await describe_death(supervisor.get(), problem);
    since_healthy.insert(trigger);
    for (const std::size_t i : since_healthy) {
      slots[i].suspect = true;
      death.cases.push_back(i);
    }
    since_healthy.clear();
    std::vector<std::string> ids;
    for (const std::size_t i : death.cases) ids.push_back(slots[i].def->id);
    note(fmt::format("the server {} (cases run since it was last seen healthy: {})", death.what,
                     fmt::join(ids, ", ")));
    deaths.push_back(std::move(death));
    ++consecutive_deaths;
    if (consecutive_deaths > config.max_restarts) {
      stop_reason = fmt::format(
          "not run: the server crashed or stopped answering {} times in a row (--max-restarts "
          "{}), so the run stopped early",
          consecutive_deaths, config.max_restarts);
    } else if (const std::string error = co_await recover(); !error.empty()) {
      stop_reason = "not run: " + error;
    } else if (supervisor) {
      note("restarted: " + supervisor->command_line());
    }
    recovering = false;
  }

  // The first run of slot `i`, with its liveness check and its part in
  // detecting a crash or wedge.
  asio::awaitable<void> first_run(std::size_t i, bool isolated) {
    CaseSlot& slot = slots[i];
    slot.report = blank_report(*slot.def);
    if (const std::string reason = skip_reason(*slot.def); !reason.empty()) {
      slot.report.result = Result::kSkip;
      slot.report.notes.push_back(reason);
      finish_first_run(i);
      co_return;
    }
    if (isolated && supervisor) {
      std::string port_note;
      const std::string error = co_await supervisor->restart(port_note);
      ++generation;
      config.options.endpoint = supervisor->endpoint();
      if (!error.empty()) {
        mark_not_run(i, "not run: the server could not be restarted for it (--isolate): " + error);
        co_return;
      }
    }
    since_healthy.insert(i);
    const Clock::time_point check_start = Clock::now();
    CaseRun run = co_await execute(*slot.def, 0, i, options(), supervisor.get());
    slot.report = std::move(run.report);
    slot.finished = Clock::now();
    if (run.interrupted || !run.liveness || run.generation != generation) {
      // Interrupted, or its check ran around a restart: its first verdict
      // is void.
      slot.suspect = true;
    } else if (run.liveness->alive) {
      consecutive_deaths = 0;
      // The server served a new connection after this case: every case
      // that ended before this one started is cleared too.
      for (auto it = since_healthy.begin(); it != since_healthy.end();) {
        const bool cleared = *it == i || (slots[*it].finished != Clock::time_point() &&
                                          slots[*it].finished < check_start);
        it = cleared ? since_healthy.erase(it) : std::next(it);
      }
    } else {
      slot.report.notes.push_back("after this case the server " + run.liveness->problem);
      co_await handle_death(i, run.liveness->problem);
    }
    finish_first_run(i);
  }

  asio::awaitable<void> worker(const std::vector<std::size_t>& list, std::size_t& next,
                               bool isolated) {
    for (;;) {
      while (recovering) co_await pause(std::chrono::milliseconds(20));
      if (next >= list.size()) break;
      const std::size_t i = list[next++];
      if (!stop_reason.empty()) {
        mark_not_run(i, stop_reason);
        continue;
      }
      co_await first_run(i, isolated);
    }
  }

  asio::awaitable<void> run_batch(const std::vector<std::size_t>& list, int jobs, bool isolated) {
    if (list.empty()) co_return;
    std::size_t next = 0;
    const auto executor = co_await asio::this_coro::executor;
    using Op = decltype(asio::co_spawn(executor, worker(list, next, isolated), asio::deferred));
    std::vector<Op> ops;
    for (int w = 0; w < std::max(1, jobs); ++w) {
      ops.push_back(asio::co_spawn(executor, worker(list, next, isolated), asio::deferred));
    }
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const std::exception_ptr& error : errors) {
      if (error) std::rethrow_exception(error);
    }
  }

  // The three batches of a pass, in the order they run: the cases that
  // may run together (`jobs` at a time), the solo ones (one at a time, as
  // every case under --isolate), and last, one at a time, the cases that
  // stop the server (stops_server): nothing else may run while the server
  // is told to stop. `take` says which slots the pass runs.
  struct Batches {
    std::vector<std::size_t> together, alone, last;
    std::size_t size() const { return together.size() + alone.size() + last.size(); }
  };
  template <typename Take>
  Batches batches(bool isolated, Take take) const {
    Batches b;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (!take(slots[i])) continue;
      const CaseDef& def = *slots[i].def;
      (def.stops_server ? b.last : def.solo || isolated ? b.alone : b.together).push_back(i);
    }
    return b;
  }

  asio::awaitable<void> main_pass() {
    const bool isolated = config.isolate && supervisor;
    const Batches b = batches(isolated, [](const CaseSlot&) { return true; });
    co_await run_batch(b.together, config.jobs, isolated);
    co_await run_batch(b.alone, 1, isolated);
    co_await run_batch(b.last, 1, isolated);
  }

  // The verdict of a rerun that brought the server down alone: a FAIL of
  // SPEC 7.2, or the case's own failure with the crash added.
  void blame(CaseReport& rerun, const std::string& what) {
    const std::string crash = fmt::format("the server {} during or right after this case, run "
                                          "alone{}",
                                          what, supervisor ? " against a fresh server" : "");
    if (rerun.result == Result::kFail) {
      rerun.notes.push_back(crash + " (SPEC 7.2)");
      return;
    }
    rerun.result = Result::kFail;
    rerun.expected = "the server still serves new connections after the case (SPEC 7.2)";
    rerun.observed = crash;
  }

  // Reruns slots of `list` one after another, each against `server`
  // restarted fresh (--exec) or against the --target server. Several such
  // workers may share `list`, each with a server of its own.
  asio::awaitable<void> confirm_worker(const std::vector<std::size_t>& list, std::size_t& next,
                                       ServerSupervisor* server) {
    while (next < list.size()) {
      const std::size_t i = list[next++];
      CaseSlot& slot = slots[i];
      RunOptions on = options();
      if (cannot_confirm.empty()) {
        if (server != nullptr) {
          std::string port_note;
          const std::string error = co_await server->restart(port_note);
          on.endpoint = server->endpoint();
          if (!error.empty()) cannot_confirm = "the server could not be restarted: " + error;
        } else {
          WireLog log;
          const Liveness alive = co_await check_liveness(on, log, "liveness/confirm");
          if (!alive.alive) cannot_confirm = "the server is not answering: " + alive.problem;
        }
      }
      if (!cannot_confirm.empty()) {
        leave_unconfirmed(slot, cannot_confirm);
      } else {
        CaseRun rerun = co_await execute(*slot.def, 1, i, on, server);
        if (rerun.liveness && !rerun.liveness->alive) {
          blame(rerun.report, co_await describe_death(server, rerun.liveness->problem));
          for (Death& death : deaths) {
            if (std::find(death.cases.begin(), death.cases.end(), i) != death.cases.end()) {
              death.reproduced = true;
            }
          }
          if (++consecutive_rerun_deaths > config.max_restarts) {
            cannot_confirm = fmt::format(
                "{} reruns in a row brought the server down (--max-restarts {})",
                consecutive_rerun_deaths, config.max_restarts);
          } else if (server == nullptr) {
            if (const std::string error = co_await recover(); !error.empty()) {
              cannot_confirm = error;
            }
          }
        } else {
          consecutive_rerun_deaths = 0;
        }
        slot.report =
            merge_confirmation(std::move(slot.report), std::move(rerun.report),
                               slot.suspect ? FirstRun::kOverlapped : FirstRun::kValid);
      }
      if (events.case_confirmed) events.case_confirmed(slot.report, ++confirmed, confirm_total);
    }
  }

  // Reruns `list` with `workers` workers. Under --exec each worker has a
  // fresh server of its own, so a rerun is alone with its server even
  // while others run; against a --target server there is one worker.
  asio::awaitable<void> confirm_batch(const std::vector<std::size_t>& list, int workers) {
    if (list.empty()) co_return;
    std::size_t next = 0;
    if (!supervisor) {
      co_await confirm_worker(list, next, nullptr);
      co_return;
    }
    const int count = std::max(1, std::min<int>(workers, static_cast<int>(list.size())));
    while (static_cast<int>(spare_servers.size()) + 1 < count) {
      spare_servers.push_back(std::make_unique<ServerSupervisor>(
          config.exec_command, options().scaled(std::chrono::seconds(10))));
    }
    const auto executor = co_await asio::this_coro::executor;
    using Op = decltype(asio::co_spawn(executor, confirm_worker(list, next, nullptr),
                                       asio::deferred));
    std::vector<Op> ops;
    for (int w = 0; w < count; ++w) {
      ServerSupervisor* server = w == 0 ? supervisor.get() : spare_servers[w - 1].get();
      ops.push_back(asio::co_spawn(executor, confirm_worker(list, next, server), asio::deferred));
    }
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const std::exception_ptr& error : errors) {
      if (error) std::rethrow_exception(error);
    }
  }

  // Reruns the failures and suspects in the batches of the main pass (the
  // cases that stop the server last, one at a time, on the run's own
  // server).
  asio::awaitable<void> confirm_all() {
    const Batches b = batches(false, [](const CaseSlot& s) {
      return !s.not_run && (s.suspect || is_failure(s.report.result));
    });
    confirm_total = b.size();
    if (confirm_total == 0) co_return;
    if (!config.confirm) {
      for (const auto* batch : {&b.together, &b.alone, &b.last}) {
        for (const std::size_t i : *batch) {
          slots[i].report.notes.push_back("not confirmed by a rerun (--no-confirm)");
        }
      }
      co_return;
    }
    if (events.confirming) events.confirming(confirm_total);
    co_await confirm_batch(b.together, config.jobs);
    co_await confirm_batch(b.alone, 1);
    co_await confirm_batch(b.last, 1);
    for (auto& server : spare_servers) server->stop();
  }

  // A case whose rerun could not run: a suspect that ran alone is blamed,
  // one that ran beside others is an ERROR; a plain failure stays.
  void leave_unconfirmed(CaseSlot& slot, const std::string& why) {
    slot.report.notes.push_back("not confirmed by a rerun: " + why);
    if (!slot.suspect) return;
    for (const Death& death : deaths) {
      if (std::find(death.cases.begin(), death.cases.end(),
                    static_cast<std::size_t>(&slot - slots.data())) == death.cases.end()) {
        continue;
      }
      if (death.cases.size() == 1) {
        blame(slot.report, death.what);
        slot.report.observed += " (it was the only case running)";
      } else {
        slot.report.result = Result::kError;
        slot.report.observed = fmt::format(
            "the server {} while this case ran beside {} others; it could not be rerun alone to "
            "tell which one caused it",
            death.what, death.cases.size() - 1);
      }
      return;
    }
  }

  void unreproduced_deaths_to_findings() {
    for (const Death& death : deaths) {
      if (death.reproduced || !config.confirm) continue;
      std::vector<std::string> ids;
      for (const std::size_t i : death.cases) ids.push_back(slots[i].def->id);
      report.findings.push_back(
          {"7.2", "the server crashed or stopped answering, and no case reproduced it alone",
           fmt::format("during the run the server {} after these cases ran: {}; none of them "
                       "brought it down when rerun alone, so the defect depends on timing or on "
                       "cases running together",
                       death.what, fmt::join(ids, ", ")),
           {}});
    }
    if (!stop_reason.empty()) {
      report.findings.push_back({"7.2", "the run stopped early", stop_reason, {}});
    }
  }

  void apply_known_failing(CaseReport& r) const {
    const KnownFailure* known = config.known_failing.find(r.id);
    if (known == nullptr) return;
    if (r.result == Result::kFail || r.result == Result::kLenient || r.result == Result::kFlaky) {
      r.notes.push_back(fmt::format("known failing (line {} of the list: '{}'): {}; was {}",
                                    known->line, known->glob, known->reason,
                                    result_name(r.result)));
      r.result = Result::kKnownFailing;
    } else if (r.result == Result::kPass) {
      r.notes.push_back(fmt::format(
          "listed as known failing (line {}: '{}') but now passes: remove it from the list",
          known->line, known->glob));
    }
  }

  // Marks every case that has no verdict yet as not run, for `reason`.
  void not_run_rest(const std::string& reason) {
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].report.id.empty()) mark_not_run(i, reason);
    }
  }

  asio::awaitable<void> run_all() {
    if (!config.exec_command.empty()) {
      supervisor = std::make_unique<ServerSupervisor>(
          config.exec_command, options().scaled(std::chrono::seconds(10)));
      if (const std::string error = co_await supervisor->start(); !error.empty()) {
        report.aborted = "the --exec command could not be started: " + error;
        co_return;
      }
      config.options.endpoint = supervisor->endpoint();
      report.target = supervisor->command_line();
      note("started: " + supervisor->command_line());
    }
    const ProbeResult probe =
        co_await run_startup_probe(options(), fmt::format("startup/{}", options().seed));
    if (probe.outcome == ProbeOutcome::kUnreachable) {
      report.aborted = fmt::format("target unreachable: {}", probe.finding->details);
      co_return;
    }
    if (probe.finding) {
      report.findings.push_back(*probe.finding);
      note(fmt::format("start-up probe: {} (SPEC {})", probe.finding->title, probe.finding->rule));
    }
    if (probe.outcome == ProbeOutcome::kUnresponsive) {
      stop_reason = "not run: the server is unresponsive (start-up probe: " +
                    probe.finding->title + ")";
      co_return;
    }
    co_await main_pass();
    co_await confirm_all();
    unreproduced_deaths_to_findings();
  }

  void start_report() {
    report.target = config.target_name;
    report.profile = config.profile_name;
    report.seed = options().seed;
    report.strict = config.strict;
    report.started = iso_now();
  }

  asio::awaitable<RunReport> run(const std::vector<const CaseDef*>& cases) {
    start_report();
    const Clock::time_point start = Clock::now();
    for (const CaseDef* def : cases) slots.push_back({def, {}, false, false, {}});
    co_await run_all();
    if (supervisor) supervisor->stop();
    co_return finish_report(start);
  }

  // Gives every case without a verdict its "not run" reason, applies the
  // known-failing list, names root causes and counts.
  RunReport finish_report(Clock::time_point start) {
    not_run_rest(report.aborted.empty() ? stop_reason : "not run: " + report.aborted);
    for (CaseSlot& slot : slots) {
      apply_known_failing(slot.report);
      report.cases.push_back(std::move(slot.report));
    }
    report.root_causes = assign_root_causes(report.cases, all_cases());
    StatGroup& suite = report.statistics.group("server suite");
    for (const CaseReport& r : report.cases) {
      report.summary.add(r.result);
      // Rule coverage: every selected case's rule could be judged; those of
      // the cases that ran were.
      report.statistics.can_judge(r.rule);
      if (r.result == Result::kSkip || r.not_run) continue;
      report.statistics.judged(r.rule);
      suite.add("cases run");
      suite.add("confirmation reruns", r.runs.size() > 1 ? static_cast<double>(r.runs.size() - 1) : 0);
    }
    report.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return std::move(report);
  }
};

RunReport aborted_run_report(const RunnerConfig& config, const std::vector<const CaseDef*>& cases,
                             const std::string& reason) {
  Runner::State state(config, {});
  state.start_report();
  state.report.aborted = reason;
  for (const CaseDef* def : cases) state.slots.push_back({def, {}, false, false, {}});
  return state.finish_report(Clock::now());
}

Runner::Runner(RunnerConfig config, RunnerEvents events)
    : state_(std::make_unique<State>(std::move(config), std::move(events))) {}

Runner::~Runner() = default;

asio::awaitable<RunReport> Runner::run(const std::vector<const CaseDef*>& cases) {
  co_return co_await state_->run(cases);
}

}  // namespace kv
