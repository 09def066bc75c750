#include "conformance/report/json_report.h"

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
          {"findings", findings},
          {"root_causes", run.root_causes},
          {"notes", run.notes},
          {"cases", cases},
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
