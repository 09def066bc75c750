#include "conformance/report/json_report.h"

#include <cmath>

#include "conformance/report/report_file.h"

namespace kv {

static nlohmann::json wire_entry_json(const WireEntry& e) {
  nlohmann::json j = {{"t_ms", e.t_ms}, {"conn", e.conn}, {"dir", wire_direction_name(e.dir)}};
  if (e.dir == WireDirection::kSend || e.dir == WireDirection::kRecv) {
    j["bytes"] = e.size;
    j["hex"] = hex_bytes(e.bytes);
  }
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

static nlohmann::json wire_log_json(const std::vector<WireEntry>& entries) {
  nlohmann::json log = nlohmann::json::array();
  for (const WireEntry& e : entries) log.push_back(wire_entry_json(e));
  return log;
}

static nlohmann::json statistics_json(const RunStatistics& stats) {
  nlohmann::json groups = nlohmann::json::array();
  for (const StatGroup& g : stats.groups()) {
    nlohmann::json counters = nlohmann::json::array();
    for (const StatCounter& c : g.counters) {
      // Whole numbers stay integers in JSON; rates and durations do not.
      nlohmann::json value = c.value;
      if (std::nearbyint(c.value) == c.value && std::fabs(c.value) < 9e15) {
        value = static_cast<long long>(c.value);
      }
      counters.push_back({{"name", c.name}, {"value", value}, {"unit", c.unit}});
    }
    groups.push_back({{"name", g.name}, {"note", g.note}, {"counters", counters}});
  }
  nlohmann::json judged = nlohmann::json::object();
  for (const auto& [rule, count] : stats.rules_judged()) judged[rule] = count;
  return {{"groups", groups},
          {"rules_judged", judged},
          {"rules_never_exercised", stats.rules_never_exercised()}};
}

nlohmann::json report_to_json(const RunReport& run) {
  nlohmann::json cases = nlohmann::json::array();
  for (const CaseReport& r : run.cases) {
    nlohmann::json runs = nlohmann::json::array();
    for (const RunOutcome& o : r.runs) {
      runs.push_back({{"result", result_name(o.result)}, {"observed", o.observed}});
    }
    cases.push_back({{"id", r.id},
                     {"rule", r.rule},
                     {"level", level_name(r.level)},
                     {"title", r.title},
                     {"result", result_name(r.result)},
                     {"expected", r.expected},
                     {"observed", r.observed},
                     {"notes", r.notes},
                     {"caused_by", r.caused_by},
                     {"not_run", r.not_run},
                     {"runs", runs},
                     {"duration_ms", r.duration_ms},
                     {"rerun", r.rerun},
                     {"wire_log", wire_log_json(r.wire_log)}});
  }
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : run.findings) {
    findings.push_back({{"rule", f.rule},
                        {"title", f.title},
                        {"details", f.details},
                        {"wire_log", wire_log_json(f.wire_log)}});
  }
  const RunSummary& s = run.summary;
  return {{"schema", kJsonSchema},
          {"target", run.target},
          {"profile", run.profile},
          {"seed", run.seed},
          {"started", run.started},
          {"duration_ms", run.duration_ms},
          {"strict", run.strict},
          {"exit_code", run.exit_code()},
          {"aborted", run.aborted},
          {"interrupted_by", run.interrupted_by == 0 ? std::string() : signal_name(run.interrupted_by)},
          {"findings", findings},
          {"root_causes", run.root_causes},
          {"notes", run.notes},
          {"cases", cases},
          {"statistics", statistics_json(run.statistics)},
          {"summary",
           {{"total", s.total()},
            {"pass", s.pass},
            {"fail", s.fail},
            {"lenient", s.lenient},
            {"flaky", s.flaky},
            {"skip", s.skip},
            {"error", s.error},
            {"known_failing", s.known_failing}}}};
}

std::string write_json_report(const RunReport& run, const std::string& path) {
  // Logged bytes are not UTF-8 text; they appear only as hex, but notes and
  // verdicts may quote server data, so invalid UTF-8 is replaced.
  return write_text_file(
      path,
      report_to_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n');
}

}  // namespace kv
