#include "conformance/engine/blame.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "codec/decoded_stream.h"
#include "conformance/cases/case_helpers.h"

namespace kv {

namespace {

// How long the server's CPU use is watched while no client is connected.
constexpr std::chrono::milliseconds kIdleCpuWindow{500};

// The share of one CPU the server's processes use over kIdleCpuWindow,
// measured now (no check runs any more); std::nullopt when it cannot be
// measured.
boost::asio::awaitable<std::optional<double>> idle_cpu_share(Target& target) {
  const ServerSupervisor* process = target.process();
  if (process == nullptr || process->process_group() <= 0) co_return std::nullopt;
  const std::optional<double> before = process_group_cpu_seconds(process->process_group());
  const auto start = std::chrono::steady_clock::now();
  co_await pause(kIdleCpuWindow);
  const std::optional<double> after = process_group_cpu_seconds(process->process_group());
  if (!before || !after) co_return std::nullopt;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  co_return wall > 0 ? (*after - *before) / wall : 0.0;
}

}  // namespace

namespace {

// What a connection's log says so far, for early_idle_close().
struct ConnectionTrace {
  std::string sent, received;
  double last_byte_ms = 0;
  bool opened = false;       // The log shows the connection being opened.
  bool cut = false;          // Bytes of a chunk were left out.
  bool client_done = false;  // The client half-closed, reset or closed it.
};

// Whether `bytes` are whole, valid frames only; their count in `frames`,
// and whether one is the error response {kind 0, NotOk}.
bool whole_frames(const std::string& bytes, std::size_t& frames, bool& error_response) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const StreamEvents events =
      decode_stream({data, bytes.size()}, {}, DecoderOptions{kMaxConfigurableFrameLen});
  frames = 0;
  error_response = false;
  for (const StreamEvent& e : events) {
    if (!e.is_frame()) return false;
    ++frames;
    if (e.message.kind == 0 && e.message.status != 0) error_response = true;
  }
  return true;
}

}  // namespace

std::optional<EarlyIdleClose> early_idle_close(const std::vector<WireEntry>& log,
                                               std::chrono::milliseconds idle_timeout) {
  // A log with entries left out (wire_log.h) may hide bytes of any
  // connection: it proves nothing.
  const bool entries_left_out = std::any_of(log.begin(), log.end(), [](const WireEntry& e) {
    return e.conn == 0 && e.note.find("entries not shown") != std::string::npos;
  });
  if (entries_left_out) return std::nullopt;
  std::map<int, ConnectionTrace> traces;
  for (const WireEntry& e : log) {
    if (e.conn == 0) continue;
    ConnectionTrace& t = traces[e.conn];
    if (e.dir == WireDirection::kInfo) {
      t.opened |= e.note.starts_with("connected");
      continue;
    }
    if (e.dir == WireDirection::kSend || e.dir == WireDirection::kRecv) {
      (e.dir == WireDirection::kSend ? t.sent : t.received) += e.bytes;
      t.cut |= e.bytes.size() != e.size;
      t.last_byte_ms = e.t_ms;
      continue;
    }
    // A close: by the client (it is done, or half-closed: a server may
    // close then), or by the server.
    if (!e.note.starts_with("server ")) {
      t.client_done = true;
      continue;
    }
    const double idle = e.t_ms - t.last_byte_ms;
    if (!t.opened || t.cut || t.client_done || idle < static_cast<double>(kMinIdleGap.count()) ||
        idle >= static_cast<double>(idle_timeout.count())) {
      continue;
    }
    std::size_t requests = 0, responses = 0;
    bool error_request = false, error_response = false;
    if (whole_frames(t.sent, requests, error_request) &&
        whole_frames(t.received, responses, error_response) && requests > 0 &&
        requests == responses && !error_response) {
      return EarlyIdleClose{e.conn, idle};
    }
  }
  return std::nullopt;
}

void blame_early_idle_closes(RunReport& report, std::chrono::milliseconds idle_timeout) {
  const auto idle_case = std::find_if(report.cases.begin(), report.cases.end(), [](const auto& r) {
    return r.rule == kIdleTimeoutRule && is_failure(r.result) && !r.not_run;
  });
  std::vector<std::string> blamed;
  double shortest = 0;
  for (CaseReport& r : report.cases) {
    if (!is_failure(r.result) || r.not_run || !r.caused_by.empty() || r.rule == kIdleTimeoutRule) {
      continue;
    }
    const std::optional<EarlyIdleClose> close = early_idle_close(r.wire_log, idle_timeout);
    if (!close) continue;
    r.notes.push_back(fmt::format(
        "the server closed connection {} after it had been idle {} (every request answered), "
        "before the idle timeout of {} ms (--idle-timeout-ms; SPEC {})",
        close->conn, duration_text(close->idle_ms), idle_timeout.count(), kIdleTimeoutRule));
    if (idle_case != report.cases.end()) r.caused_by = idle_case->id;
    shortest = blamed.empty() ? close->idle_ms : std::min(shortest, close->idle_ms);
    blamed.push_back(r.id);
  }
  if (blamed.empty()) return;
  // Now caused by the failed idle-timeout case, they are no root causes.
  if (idle_case != report.cases.end()) {
    std::erase_if(report.root_causes, [&blamed](const std::string& id) {
      return std::find(blamed.begin(), blamed.end(), id) != blamed.end();
    });
  }
  report.findings.push_back(
      {kIdleTimeoutRule,
       fmt::format("the server closes idle connections before its idle timeout of {} ms: after "
                   "{} in {} failed case(s)",
                   idle_timeout.count(), duration_text(shortest), blamed.size()),
       fmt::format("these cases saw the server close a connection on which every request had "
                   "been answered and the client had sent nothing since, sooner than the idle "
                   "timeout the server was started with (--idle-timeout-ms): {}",
                   fmt::join(blamed, ", ")),
       {}});
}

Finding slowdown_finding(const Slowdown& slowdown, std::optional<double> idle_cpu) {
  std::string cpu;
  if (idle_cpu) {
    cpu = fmt::format("; with no client connected at the end it used {:.0f}% of a CPU",
                      *idle_cpu * 100);
  }
  return {
      kLivenessRule,
      fmt::format("the server got slower as the run went on: a PUT and a GET on a fresh "
                  "connection took {} at first and {} at the end{}",
                  duration_text(slowdown.early_ms), duration_text(slowdown.late_ms), cpu),
      fmt::format("the liveness check after each case (a PUT and a GET on a fresh connection, "
                  "connection 99 of the wire logs) answered in a median {} over the first {} "
                  "checks and {} over the last {} of {} checks against one server process; "
                  "the server serves ever more slowly, as one that leaks threads, "
                  "descriptors or memory with every connection does, and the cases that "
                  "timed out or were not run likely follow from it",
                  duration_text(slowdown.early_ms), ServerHealth::kSlowdownWindow,
                  duration_text(slowdown.late_ms), ServerHealth::kSlowdownWindow, slowdown.checks),
      {}};
}

boost::asio::awaitable<void> add_run_findings(RunReport& report, Target& target,
                                              const RunControl& control) {
  const RunOptions& options = target.options();
  const auto floor = options.spec_bound(ServerHealth::kSlowdownFloor);
  if (const std::optional<Slowdown> slowdown = target.health().slowdown(floor)) {
    const std::optional<double> cpu =
        control.interrupted_by() != 0 ? std::nullopt : co_await idle_cpu_share(target);
    Finding finding = slowdown_finding(*slowdown, cpu);
    // A slowdown that harmed no case is worth a remark, not a failure: a
    // run whose every case passed in time stays a pass.
    const bool harmed =
        control.budget_spent() ||
        std::any_of(report.cases.begin(), report.cases.end(), [](const CaseReport& r) {
          return r.result == Result::kFail || r.result == Result::kError;
        });
    if (harmed) {
      report.findings.push_back(std::move(finding));
    } else {
      report.notes.push_back(finding.title + " (no case failed for it)");
    }
  }
  report.interrupted_by = control.interrupted_by();
  if (control.interrupted_by() == 0 && control.budget_spent()) {
    std::size_t not_run = 0;
    for (const CaseReport& r : report.cases) not_run += r.not_run ? 1 : 0;
    report.notes.push_back(fmt::format(
        "the time budget of {:g} s (--time-budget-s) was spent: {} case(s) were not run",
        static_cast<double>(control.budget().count()) / 1000.0, not_run));
  }
}

}  // namespace kv
