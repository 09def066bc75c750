#include "conformance/report/junit_report.h"

#include <fmt/format.h>

#include "conformance/report/report_file.h"
#include "conformance/report/xml_text.h"

namespace kv {

static std::string details(const CaseReport& r) {
  std::string text = fmt::format("rule {} {}: {}\nexpected: {}\nseen: {}\n", r.rule,
                                 level_name(r.level), r.title, r.expected, r.observed);
  if (!r.caused_by.empty()) text += "likely caused by: " + r.caused_by + '\n';
  for (const std::string& note : r.notes) text += "note: " + note + '\n';
  text += "rerun: " + r.rerun + "\nwire log:\n" + format_wire_log(r.wire_log);
  return xml_escape(text);
}

static std::string testcase_body(const CaseReport& r, bool strict) {
  const std::string first_note = r.notes.empty() ? std::string() : r.notes.front();
  switch (r.result) {
    case Result::kPass:
      return first_note.empty()
                 ? ""
                 : fmt::format("<system-out>{}</system-out>", xml_escape(first_note));
    case Result::kFail:
      return fmt::format("<failure type=\"FAIL\" message=\"{}\">{}</failure>",
                         xml_escape(r.observed), details(r));
    case Result::kLenient:
      return strict ? fmt::format("<failure type=\"LENIENT\" message=\"{}\">{}</failure>",
                                  xml_escape(r.observed), details(r))
                    : fmt::format("<system-out>LENIENT (a SHOULD missed)\n{}</system-out>",
                                  details(r));
    case Result::kError:
      return fmt::format("<error type=\"ERROR\" message=\"{}\">{}</error>", xml_escape(r.observed),
                         details(r));
    case Result::kSkip:
      return fmt::format("<skipped message=\"{}\"/>", xml_escape(first_note));
    case Result::kKnownFailing:
      return fmt::format("<skipped message=\"KNOWN-FAILING: {}\"/>", xml_escape(first_note));
    case Result::kFlaky:
      return fmt::format("<failure type=\"FLAKY\" message=\"{}\">{}</failure>",
                         xml_escape(r.observed), details(r));
  }
  return "";
}

std::string report_to_junit(const RunReport& run) {
  const RunSummary& s = run.summary;
  const int failures = s.fail + s.flaky + (run.strict ? s.lenient : 0) +
                       static_cast<int>(run.findings.size());
  const int tests = s.total() + static_cast<int>(run.findings.size());
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(
      "<testsuites name=\"kvconform\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n",
      tests, failures, s.error, s.skip + s.known_failing, run.duration_ms / 1000);
  xml += fmt::format(
      "  <testsuite name=\"kvconform {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{:.3f}\" timestamp=\"{}\">\n",
      xml_escape(run.target), tests, failures, s.error, s.skip + s.known_failing,
      run.duration_ms / 1000, xml_escape(run.started));
  xml += fmt::format(
      "    <properties><property name=\"profile\" value=\"{}\"/><property name=\"seed\" "
      "value=\"{}\"/></properties>\n",
      xml_escape(run.profile), run.seed);
  for (const CaseReport& r : run.cases) {
    xml += fmt::format(
        "    <testcase classname=\"kvconform.{}\" name=\"{}\" time=\"{:.3f}\">{}</testcase>\n",
        xml_escape(r.rule), xml_escape(r.id), r.duration_ms / 1000, testcase_body(r, run.strict));
  }
  for (const Finding& f : run.findings) {
    xml += fmt::format(
        "    <testcase classname=\"kvconform.run\" name=\"{}\" time=\"0\"><failure "
        "type=\"FINDING\" message=\"{}\">{}</failure></testcase>\n",
        xml_escape(f.title), xml_escape(f.title),
        xml_escape(f.details + '\n' + format_wire_log(f.wire_log)));
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

std::string write_junit_report(const RunReport& run, const std::string& path) {
  return write_text_file(path, report_to_junit(run));
}

}  // namespace kv
