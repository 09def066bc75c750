// Findings about the server as a whole, made from what the run saw of it
// rather than from one case's verdict. One mechanism names, in one line
// each, the defects that no single case can show and that explain the
// failures around them:
//  * the server stopped accepting or answering new connections: SPEC 7.1,
//    whatever case was running (startup_probe.h at the start, the death
//    watch during the run: death_watch.h);
//  * the server crashed and no case reproduced it alone: SPEC 7.2;
//  * the server got slower as the run went on (its liveness round trips
//    grew many times over, server_health.h), with the CPU it used while no
//    client was connected when kvconform started it: SPEC 7.1;
//  * the server closed a connection that had been idle (every request
//    answered, no byte from the client) for less than the idle timeout it
//    was started with: SPEC 9.4 (the idle timeout is a lower bound; 9.1),
//    named for the failed cases whose wire logs show such a close;
//  * the run stopped early: the time budget was spent or a signal came,
//    with the cases that were not run.
// The console lists these findings first among the root causes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/engine/liveness.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/server_health.h"
#include "conformance/engine/target.h"

namespace kv {

// The finding for a server whose liveness checks slowed down as `slowdown`
// says; `idle_cpu` is the share of one CPU (1.0 = one core busy) the
// server's processes used while no client was connected, when measured.
Finding slowdown_finding(const Slowdown& slowdown, std::optional<double> idle_cpu);

// The rule an early close of an idle connection breaks.
inline constexpr const char* kIdleTimeoutRule = "9.4";

// A close by the server of a connection idle for less than the idle
// timeout, as a case's wire log shows it.
struct EarlyIdleClose {
  int conn = 0;
  double idle_ms = 0;  // From the last byte either way to the close.
};

// The first such close in `log`: on a connection the log shows from its
// opening, whose client bytes are one or more whole, valid frames, all
// answered by response frames none of which is the error response, and
// which the client had not half-closed or closed, the server closed or
// reset the connection at least kMinIdleGap and less than `idle_timeout`
// after the last byte either way. A log with entries left out or bytes cut
// proves nothing.
std::optional<EarlyIdleClose> early_idle_close(const std::vector<WireEntry>& log,
                                               std::chrono::milliseconds idle_timeout);
inline constexpr std::chrono::milliseconds kMinIdleGap{500};

// Names, for every root-cause failure of `report` whose wire log shows an
// early idle close, the idle timeout as its likely cause: the case is
// "likely caused by" the failed case of rule 9.4 if there is one, and the
// findings say it in one line.
void blame_early_idle_closes(RunReport& report, std::chrono::milliseconds idle_timeout);

// Adds to `report` what the run as a whole says: the slowdown finding (a
// server started here is measured for idle CPU first; when no case failed
// or errored and the budget was not spent, only a note), and how the run
// ended early (the time budget, a stop signal: report.interrupted_by).
// Call it once every case has its report.
boost::asio::awaitable<void> add_run_findings(RunReport& report, Target& target,
                                              const RunControl& control);

}  // namespace kv
