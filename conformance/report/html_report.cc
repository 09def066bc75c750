#include "conformance/report/html_report.h"

#include <fmt/format.h>

#include <map>
#include <string_view>

#include "conformance/report/report_file.h"
#include "conformance/report/xml_text.h"
#include "conformance/rules/rule_map.h"

namespace kv {

namespace {

constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;font-size:13px;margin-bottom:14px} .meta code{background:#eef0f3;padding:1px 4px;border-radius:3px}
.verdict{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600;margin:6px 0 12px}
.counts span{display:inline-block;margin-right:10px;padding:3px 9px;border-radius:12px;font-size:13px}
.PASS{background:#d8f3dc;color:#1b4332} .FAIL{background:#ffccd0;color:#7a0010}
.LENIENT{background:#fff1c2;color:#6b4e00} .SKIP{background:#eceff1;color:#546e7a}
.ERROR{background:#ead1f5;color:#4a0e64} .KNOWN-FAILING{background:#d0ecf7;color:#0b4f6c}
.FLAKY{background:#ffd8b0;color:#7a3300}
.finding{background:#fff;border-left:4px solid #c0392b;padding:6px 10px;margin:6px 0}
ul.roots li{margin:3px 0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.matrix{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:6px}
.cell{display:block;padding:6px 8px;border-radius:5px;font-size:12px;text-decoration:none;font-family:ui-monospace,Menlo,Consolas,monospace;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.cell b{font-family:system-ui,sans-serif;font-size:10px;margin-right:6px}
details{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;padding:3px 0}
summary .tag{font-family:system-ui,sans-serif;font-size:11px;padding:1px 7px;border-radius:9px;margin-right:8px}
summary .ms{color:#777;float:right}
table.kv{border-collapse:collapse;margin:6px 0;font-size:13px} table.kv td{padding:3px 8px;vertical-align:top}
table.kv td:first-child{color:#666;white-space:nowrap}
pre{background:#0f1720;color:#d6e2ee;padding:10px;border-radius:5px;font-size:11.5px;overflow-x:auto;line-height:1.35}
pre .send{color:#8fd3ff} pre .recv{color:#a6e3a1} pre .close{color:#ffb86c} pre .info{color:#9aa5b1}
table.summary{border-collapse:collapse;margin:8px 0 14px;font-size:13px;background:#fff}
table.summary th,table.summary td{border:1px solid #dde1e6;padding:4px 10px;text-align:left}
table.summary td.n{text-align:right;font-variant-numeric:tabular-nums}
table.summary td.zero{color:#aaa} table.summary td.verdict{white-space:nowrap}
details.section{padding:6px 12px;margin:10px 0}
details.section>summary{font-family:system-ui,sans-serif;font-size:15px;font-weight:600}
details.section>summary .sec-counts{font-weight:400;font-size:12px;color:#555;margin-left:10px}
details.section .matrix{margin:8px 0}
)css";

std::string tag(Result result) {
  const std::string name(result_name(result));
  return fmt::format("<span class=\"tag {0}\">{0}</span>", name);
}

std::string anchor(const std::string& id) {
  std::string out = "case-";
  for (const char c : id) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

std::string wire_log_html(const std::vector<WireEntry>& entries) {
  std::string out = "<pre>";
  for (const WireEntry& e : entries) {
    const std::string dir(wire_direction_name(e.dir));
    out += fmt::format("<span class=\"{}\">{}</span>\n", dir, xml_escape(wire_entry_head(e)));
    for (const std::string& line : hex_dump_lines(e.bytes)) {
      out += fmt::format("<span class=\"{}\">             {}</span>\n", dir, xml_escape(line));
    }
  }
  return out + "</pre>";
}

// Whether a result is a failure a reader must look at: its case and its
// section are shown open.
bool needs_reading(Result result) {
  return result == Result::kFail || result == Result::kError || result == Result::kFlaky;
}

std::string case_details(const CaseReport& r) {
  const bool open = needs_reading(r.result) && r.caused_by.empty() && !r.not_run;
  std::string out = fmt::format(
      "<details id=\"{}\"{}><summary>{}{}<span class=\"ms\">{:.1f} ms</span></summary>\n",
      anchor(r.id), open ? " open" : "", tag(r.result), xml_escape(r.id), r.duration_ms);
  out += "<table class=\"kv\">";
  out += fmt::format("<tr><td>rule</td><td>SPEC {} ({}) — {}</td></tr>", xml_escape(r.rule),
                     level_name(r.level), xml_escape(r.title));
  if (!r.caused_by.empty()) {
    out += fmt::format("<tr><td>cause</td><td>likely caused by <a href=\"#{}\">{}</a>, a case it "
                       "needs that failed too</td></tr>",
                       anchor(r.caused_by), xml_escape(r.caused_by));
  }
  if (!r.expected.empty()) {
    out += fmt::format("<tr><td>expected</td><td>{}</td></tr>", xml_escape(r.expected));
  }
  if (!r.observed.empty()) {
    out += fmt::format("<tr><td>seen</td><td>{}</td></tr>", xml_escape(r.observed));
  }
  for (const RunOutcome& run : r.runs) {
    out += fmt::format("<tr><td>run</td><td>{}: {}</td></tr>", result_name(run.result),
                       xml_escape(run.observed.empty() ? "as expected" : run.observed));
  }
  for (const std::string& note : r.notes) {
    out += fmt::format("<tr><td>note</td><td>{}</td></tr>", xml_escape(note));
  }
  out +=
      fmt::format("<tr><td>rerun</td><td><code>{}</code></td></tr></table>\n", xml_escape(r.rerun));
  if (!r.wire_log.empty()) out += wire_log_html(r.wire_log);
  return out + "</details>\n";
}

// The statistics section (engine/run_statistics.h), or "" when empty.
std::string statistics_html(const RunStatistics& stats) {
  if (stats.empty()) return {};
  std::string out = "<h2>Statistics</h2>\n";
  for (const StatGroup& g : stats.groups()) {
    out += fmt::format("<p><b>{}</b>{}</p>\n<table class=\"kv\">", xml_escape(g.name),
                       g.note.empty() ? "" : " — " + xml_escape(g.note));
    for (const StatCounter& c : g.counters) {
      out += fmt::format("<tr><td>{}</td><td>{}</td></tr>", xml_escape(c.name),
                         xml_escape(stat_value_text(c)));
    }
    out += "</table>\n";
  }
  const auto judged = stats.rules_judged();
  if (!judged.empty()) {
    std::string items;
    for (const auto& [rule, count] : judged) {
      items += fmt::format("{}{} ({})", items.empty() ? "" : ", ", xml_escape(rule), count);
    }
    out += fmt::format("<p class=\"meta\">rules judged ({}, with the judgements run): {}</p>\n",
                       judged.size(), items);
  }
  const std::vector<std::string> never = stats.rules_never_exercised();
  if (!never.empty()) {
    std::string items;
    for (const std::string& rule : never) items += (items.empty() ? "" : ", ") + xml_escape(rule);
    out += fmt::format("<p class=\"meta\">rules never exercised ({}): {}</p>\n", never.size(),
                       items);
  }
  return out;
}

// The section of a rule ("6" of "6.1"), or "" for a case without a rule.
std::string section_of(const std::string& rule) {
  return rule.substr(0, rule.find('.'));
}

// The titles of the spec's sections, from the headings "## N Title" of the
// rule outline built into this binary: {"2", "Framing"}, ...
std::map<std::string, std::string> section_titles() {
  std::map<std::string, std::string> titles;
  std::string_view text = built_in_rule_outline();
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.starts_with("## ")) continue;
    const std::string_view heading = line.substr(3);
    const std::size_t space = heading.find(' ');
    if (space == std::string_view::npos) continue;
    titles.emplace(std::string(heading.substr(0, space)), std::string(heading.substr(space + 1)));
  }
  return titles;
}

// The count of each result, in the order the summary shows them.
std::vector<std::pair<Result, int>> ordered_counts(const RunSummary& s) {
  return {{Result::kPass, s.pass},        {Result::kFail, s.fail},
          {Result::kFlaky, s.flaky},      {Result::kLenient, s.lenient},
          {Result::kKnownFailing, s.known_failing},
          {Result::kSkip, s.skip},        {Result::kError, s.error}};
}

std::string verdict_text(const RunReport& run) {
  if (run.exit_code() == 0) return "Conforms: every MUST case passed";
  if (run.interrupted_by != 0) {
    return "Interrupted by " + signal_name(run.interrupted_by) + ": the report is partial";
  }
  if (!run.aborted.empty()) return "Not checked: " + run.aborted;
  return "Does not conform";
}

// The run in one line, in the form of the report index's summary
// (scripts/conformance-matrix): target, verdict, the count of each
// result, duration.
std::string summary_table(const RunReport& run) {
  std::string html = "<table class=\"summary\" id=\"summary\"><tr><th>target</th><th>verdict</th>";
  for (const auto& [result, count] : ordered_counts(run.summary)) {
    html += fmt::format("<th>{}</th>", result_name(result));
  }
  html += "<th>duration</th></tr>\n";
  html += fmt::format("<tr><td><code>{}</code></td><td class=\"verdict {}\">{}</td>",
                      xml_escape(run.target), run.exit_code() == 0 ? "PASS" : "FAIL",
                      xml_escape(verdict_text(run)));
  for (const auto& [result, count] : ordered_counts(run.summary)) {
    html += fmt::format("<td class=\"n{}\">{}</td>", count == 0 ? " zero" : "", count);
  }
  return html + fmt::format("<td>{}</td></tr></table>\n", duration_text(run.duration_ms));
}

// One section of the spec: a <details> with its title and counts, open
// when a case in it failed, holding the section's matrix cells and then
// each case in full.
std::string section_html(const std::string& section, const std::string& title,
                         const std::vector<const CaseReport*>& reports) {
  RunSummary counts;
  bool open = false;
  for (const CaseReport* r : reports) {
    counts.add(r->result);
    open = open || needs_reading(r->result);
  }
  std::string count_text = fmt::format("{} case(s)", reports.size());
  for (const auto& [result, count] : ordered_counts(counts)) {
    if (count > 0 && result != Result::kPass) count_text += fmt::format(" · {} {}", count, result_name(result));
  }
  const std::string heading = section.empty() ? title : fmt::format("SPEC {} {}", section, title);
  std::string html = fmt::format(
      "<details class=\"section\" id=\"section-{}\"{}><summary>{}<span class=\"sec-counts\">{}</span>"
      "</summary>\n<div class=\"matrix\">\n",
      section.empty() ? "other" : section, open ? " open" : "", xml_escape(heading), count_text);
  for (const CaseReport* r : reports) {
    html += fmt::format("<a class=\"cell {0}\" href=\"#{1}\" title=\"{2}\"><b>{0}</b>{3}</a>\n",
                        result_name(r->result), anchor(r->id), xml_escape(r->title),
                        xml_escape(r->id));
  }
  html += "</div>\n";
  for (const CaseReport* r : reports) html += case_details(*r);
  return html + "</details>\n";
}

}  // namespace

std::string report_to_html(const RunReport& run) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += fmt::format("<title>kvconform — {}</title><style>{}</style></head><body>\n",
                      xml_escape(run.target), kStyle);
  html += "<h1>kvconform report</h1>\n";
  html += summary_table(run);
  html += fmt::format(
      "<div class=\"meta\">target <code>{}</code> · profile <code>{}</code> · seed "
      "<code>{}</code> · started {} · {}</div>\n",
      xml_escape(run.target), xml_escape(run.profile), run.seed, xml_escape(run.started),
      duration_text(run.duration_ms));
  if (!run.findings.empty()) {
    html += "<h2>Findings about the run</h2>\n";
    for (const Finding& f : run.findings) {
      html += fmt::format("<div class=\"finding\"><b>{}{}</b><br>{}</div>\n",
                          f.rule.empty() ? "" : "SPEC " + xml_escape(f.rule) + ": ",
                          xml_escape(f.title), xml_escape(f.details));
      if (!f.wire_log.empty()) html += wire_log_html(f.wire_log);
    }
  }
  if (!run.root_causes.empty()) {
    html += "<h2>Root causes</h2>\n<p>Fix these first: every other failure names one of them as "
            "its likely cause.</p>\n<ul class=\"roots\">";
    for (const std::string& id : run.root_causes) {
      std::size_t dependents = 0;
      for (const CaseReport& r : run.cases) dependents += r.caused_by == id ? 1 : 0;
      html += fmt::format("<li><a href=\"#{}\">{}</a>{}</li>", anchor(id), xml_escape(id),
                          dependents == 0 ? std::string()
                                          : fmt::format(" — {} dependent failure(s)", dependents));
    }
    html += "</ul>\n";
  }
  for (const std::string& note : run.notes) {
    html += fmt::format("<p class=\"meta\">note: {}</p>\n", xml_escape(note));
  }
  html += statistics_html(run.statistics);
  // The cases by SPEC section, in section order; cases without a rule
  // (explore's one case) last.
  std::map<int, std::vector<const CaseReport*>> sections;
  std::vector<const CaseReport*> without_rule;
  for (const CaseReport& r : run.cases) {
    if (r.rule.empty()) {
      without_rule.push_back(&r);
    } else {
      sections[std::stoi(section_of(r.rule))].push_back(&r);
    }
  }
  const std::map<std::string, std::string> titles = section_titles();
  html += "<h2>Cases by SPEC section</h2>\n";
  for (const auto& [section, reports] : sections) {
    const auto title = titles.find(std::to_string(section));
    html += section_html(std::to_string(section), title == titles.end() ? "" : title->second,
                         reports);
  }
  if (!without_rule.empty()) html += section_html("", "Cases without a SPEC rule", without_rule);
  return html + "</body></html>\n";
}

std::string write_html_report(const RunReport& run, const std::string& path) {
  return write_text_file(path, report_to_html(run));
}

}  // namespace kv
