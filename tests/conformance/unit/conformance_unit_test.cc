// Unit tests of the runner's pure parts: the linearizability checker, case
// selection and the known-failing file, stream shapes, frame sizing, the
// registry and the report writers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/engine/case_selection.h"
#include "conformance/engine/confirmation.h"
#include "conformance/engine/root_causes.h"
#include "conformance/wire/wire_log.h"
#include "conformance/report/console_report.h"
#include "conformance/report/html_report.h"
#include "conformance/report/json_report.h"
#include "conformance/report/junit_report.h"
#include "conformance/cases/linearizability.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/stream_shapes.h"
#include "conformance/report/xml_text.h"

namespace kv {
namespace {

RegisterOp put(int client, std::string value, double from, double to) {
  return {RegisterOp::Type::kPut, std::move(value), from, to, client};
}

RegisterOp get(int client, std::optional<std::string> value, double from, double to) {
  return {RegisterOp::Type::kGet, std::move(value), from, to, client};
}

TEST(Linearizability, AcceptsOverlappingOperationsInEitherOrder) {
  // The GET overlaps the PUT, so it may see the old or the new value.
  EXPECT_TRUE(check_register_history({put(1, "a", 0, 10), get(2, "a", 5, 6)}, "init").linearizable);
  EXPECT_TRUE(
      check_register_history({put(1, "a", 0, 10), get(2, "init", 5, 6)}, "init").linearizable);
}

TEST(Linearizability, RejectsAStaleReadAfterTheWriteCompleted) {
  const auto result = check_register_history({put(1, "a", 0, 1), get(2, "init", 2, 3)}, "init");
  EXPECT_FALSE(result.linearizable);
  EXPECT_NE(result.explanation.find("client 2"), std::string::npos);
}

TEST(Linearizability, RejectsAReadOfANeverWrittenValue) {
  EXPECT_FALSE(check_register_history({get(1, "ghost", 0, 1)}, std::nullopt).linearizable);
  EXPECT_TRUE(check_register_history({get(1, std::nullopt, 0, 1)}, std::nullopt).linearizable);
}

TEST(Linearizability, RejectsReadsThatGoBackInTime) {
  // Two sequential reads see b then a, while a was overwritten by b.
  const std::vector<RegisterOp> history = {put(1, "a", 0, 1), put(1, "b", 2, 20), get(2, "b", 3, 4),
                                           get(2, "a", 5, 6)};
  EXPECT_FALSE(check_register_history(history, std::nullopt).linearizable);
}

TEST(Linearizability, RefusesHistoriesTooLongToSearch) {
  std::vector<RegisterOp> history;
  for (std::size_t i = 0; i <= kMaxRegisterOps; ++i)
    history.push_back(get(1, std::nullopt, i, i + 0.5));
  EXPECT_FALSE(check_register_history(history, std::nullopt).linearizable);
}

TEST(CaseSelection, GlobsCrossSlashes) {
  EXPECT_TRUE(glob_match("6.1/*", "6.1/len-4"));
  EXPECT_TRUE(glob_match("*len-?", "6.1/len-4"));
  EXPECT_FALSE(glob_match("6.1/*", "6.2/bad-footer-not-applied"));
  EXPECT_EQ(first_match({"5.*", "6.*"}, "6.1/len-0"), std::optional<std::string>("6.*"));
}

TEST(CaseSelection, ParsesTheKnownFailingFile) {
  KnownFailingList list;
  list.parse("# comment\n\n6.1/len-4   issue 12: waits for the body \n  5.6/*\tcrash\r\nlonely\n");
  ASSERT_EQ(list.entries().size(), 3U);
  EXPECT_EQ(list.entries()[0].reason, "issue 12: waits for the body");
  EXPECT_EQ(list.entries()[0].line, 3);
  ASSERT_NE(list.find("5.6/unknown-kind-0"), nullptr);
  EXPECT_EQ(list.find("5.6/unknown-kind-0")->reason, "crash");
  EXPECT_EQ(list.find("lonely")->reason, "");
  EXPECT_EQ(list.find("5.1/put-then-get"), nullptr);
}

TEST(StreamShapes, PlansCoverTheStreamExactly) {
  const std::size_t total = 1000;
  for (const StreamShape& shape :
       {StreamShape::whole(), StreamShape::split_at(3), StreamShape::byte_by_byte(),
        StreamShape::random_chunks(42, 17), StreamShape::slow_drip(std::chrono::milliseconds(5))}) {
    const std::vector<std::size_t> sizes = plan_writes(shape, total);
    EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}), total)
        << describe_shape(shape);
    for (const std::size_t n : sizes) EXPECT_GT(n, 0U);
  }
  EXPECT_EQ(plan_writes(StreamShape::split_at(3), total), (std::vector<std::size_t>{3, 997}));
  EXPECT_EQ(plan_writes(StreamShape::random_chunks(7, 50), total),
            plan_writes(StreamShape::random_chunks(7, 50), total));
  EXPECT_NE(plan_writes(StreamShape::random_chunks(7, 50), total),
            plan_writes(StreamShape::random_chunks(8, 50), total));
}

TEST(CaseHelpers, ValueSizeHitsTheRequestedLenExactly) {
  for (const std::uint32_t len : {64U, 127U, 128U, 200U, 16389U, 65536U, kDefaultMaxFrameLen}) {
    const std::string key = "3.1/frame-at-max/12345/k";
    const std::size_t size = value_size_for_put_len(key, len);
    ASSERT_GT(size, 0U) << len;
    EXPECT_EQ(encode_frame_to_string(make_put(key, std::string(size, 'm'))).size() - kHeaderBytes,
              len);
  }
}

TEST(Messages, HandBuiltBodiesParseAsTheCodecDoes) {
  Message m;
  ASSERT_TRUE(m.ParseFromString(pb_bytes_field(1, "k") + pb_varint_field(3, 3)));
  EXPECT_EQ(m.key(), "k");
  EXPECT_EQ(m.kind(), 3U);
  EXPECT_EQ(hex_bytes(encode_frame_to_string(make_put_ack())), "07 00 00 00 18 03 40 45 4f 46 40");
}

CaseFn never_run() {
  return [](CaseContext&) -> boost::asio::awaitable<Verdict> { co_return Verdict{}; };
}

CaseDef fake_case(std::string id, std::vector<std::string> needs = {}) {
  return {.id = std::move(id), .quote = "q", .needs = std::move(needs), .run = never_run()};
}

TEST(Registry, TheRuleIsThePartOfTheIdBeforeTheSlash) {
  const CaseDef def = fake_case("10.3/writers");
  EXPECT_EQ(def.rule(), "10.3");
  EXPECT_EQ(def.section(), 10);
  for (const CaseDef& c : all_cases().cases()) {
    EXPECT_FALSE(c.quote.empty()) << c.id;
    EXPECT_FALSE(c.sends.empty()) << c.id;
    EXPECT_FALSE(c.expects.empty()) << c.id;
  }
}

TEST(RegistryDeathTest, RejectsMalformedIdsUnknownNeedsAndCycles) {
  EXPECT_DEATH(CaseRegistry().add(fake_case("no-rule")), "not <rule>/<slug>");
  EXPECT_DEATH(
      {
        CaseRegistry r;
        r.add(fake_case("5.1/a", {"5.1/missing"}));
        r.validate();
      },
      "unknown case 5.1/missing");
  EXPECT_DEATH(
      {
        CaseRegistry r;
        r.add(fake_case("5.1/a", {"5.1/b"}));
        r.add(fake_case("5.1/b", {"5.1/a"}));
        r.validate();
      },
      "cycle");
  EXPECT_DEATH(
      {
        CaseRegistry r;
        SectionCases(r, 6).add(fake_case("5.1/a"));
      },
      "section 6");
}

CaseReport report_of(std::string id, Result result) {
  CaseReport r;
  r.id = std::move(id);
  r.result = result;
  r.observed = "seen";
  return r;
}

TEST(RootCauses, NameTheDeepestFailedPrerequisite) {
  CaseRegistry registry;
  registry.add(fake_case("5.1/base"));
  registry.add(fake_case("2.5/coalesced", {"5.1/base"}));
  registry.add(fake_case("8.1/pipeline", {"2.5/coalesced"}));
  registry.add(fake_case("10.3/writers", {"8.1/pipeline", "5.1/base"}));
  registry.add(fake_case("6.1/len-0"));
  std::vector<CaseReport> reports = {
      report_of("5.1/base", Result::kPass), report_of("2.5/coalesced", Result::kFail),
      report_of("8.1/pipeline", Result::kFail), report_of("10.3/writers", Result::kFlaky),
      report_of("6.1/len-0", Result::kFail)};
  const std::vector<std::string> roots = assign_root_causes(reports, registry);
  EXPECT_EQ(roots, (std::vector<std::string>{"2.5/coalesced", "6.1/len-0"}));
  EXPECT_EQ(reports[1].caused_by, "");
  EXPECT_EQ(reports[2].caused_by, "2.5/coalesced");
  EXPECT_EQ(reports[3].caused_by, "2.5/coalesced");  // Through 8.1, not 8.1 itself.
  // When the base fails too, everything follows from it.
  reports[0].result = Result::kFail;
  EXPECT_EQ(assign_root_causes(reports, registry),
            (std::vector<std::string>{"5.1/base", "6.1/len-0"}));
  EXPECT_EQ(reports[3].caused_by, "5.1/base");
  // A case that never ran is neither a cause nor caused.
  reports[0].not_run = true;
  EXPECT_EQ(assign_root_causes(reports, registry),
            (std::vector<std::string>{"2.5/coalesced", "6.1/len-0"}));
  EXPECT_EQ(reports[0].caused_by, "");
}

TEST(Confirmation, AFailureThatPassesAloneIsFlakyNeverAPass) {
  const CaseReport merged = merge_confirmation(report_of("6.1/len-4", Result::kFail),
                                               report_of("6.1/len-4", Result::kPass),
                                               FirstRun::kValid);
  EXPECT_EQ(merged.result, Result::kFlaky);
  ASSERT_EQ(merged.runs.size(), 2U);
  EXPECT_EQ(merged.runs[0].result, Result::kFail);
  EXPECT_EQ(merged.runs[1].result, Result::kPass);
  CaseReport should = report_of("4.5/canonical", Result::kLenient);
  should.level = Level::kShould;
  EXPECT_EQ(merge_confirmation(should, report_of("4.5/canonical", Result::kPass),
                               FirstRun::kValid)
                .result,
            Result::kLenient);
}

TEST(Confirmation, TwoFailuresConfirmAndTheRerunDecidesAVoidFirstRun) {
  CaseReport rerun = report_of("6.1/len-4", Result::kFail);
  rerun.observed = "rerun saw this";
  CaseReport merged =
      merge_confirmation(report_of("6.1/len-4", Result::kFail), rerun, FirstRun::kValid);
  EXPECT_EQ(merged.result, Result::kFail);
  EXPECT_EQ(merged.observed, "rerun saw this");
  // A harness error on the rerun does not hide the first run's FAIL.
  merged = merge_confirmation(report_of("6.1/len-4", Result::kFail),
                              report_of("6.1/len-4", Result::kError), FirstRun::kValid);
  EXPECT_EQ(merged.result, Result::kFail);
  // A first run that overlapped a crash is void: the rerun's PASS stands.
  merged = merge_confirmation(report_of("5.3/miss", Result::kError),
                              report_of("5.3/miss", Result::kPass), FirstRun::kOverlapped);
  EXPECT_EQ(merged.result, Result::kPass);
  EXPECT_FALSE(merged.notes.empty());
}

TEST(WireLog, KeepsTheHeadAndTheTailAndSaysWhatWasCut) {
  WireLog log;
  const std::size_t total = WireLog::kHeadEntries + WireLog::kTailEntries + 1000;
  for (std::size_t i = 0; i < total; ++i) log.info(1, std::to_string(i));
  const std::vector<WireEntry> entries = log.entries();
  ASSERT_EQ(entries.size(), WireLog::kHeadEntries + 1 + WireLog::kTailEntries);
  EXPECT_EQ(entries.front().note, "0");
  EXPECT_EQ(entries[WireLog::kHeadEntries - 1].note, std::to_string(WireLog::kHeadEntries - 1));
  EXPECT_NE(entries[WireLog::kHeadEntries].note.find("1000 log entries not shown"),
            std::string::npos);
  EXPECT_EQ(entries[WireLog::kHeadEntries + 1].note,
            std::to_string(WireLog::kHeadEntries + 1000));
  EXPECT_EQ(entries.back().note, std::to_string(total - 1));
}

TEST(CaseHelpers, PipelinesReadBackEveryKeyTheyWrite) {
  RunOptions options;
  options.seed = 7;
  WireLog log;
  CaseContext ctx(options, "2.5/byte-by-byte", log);
  for (const std::size_t requests : {2U, 6U, 9U, 400U}) {
    const PipelineScript script = make_pipeline(ctx, requests, 4);
    ASSERT_EQ(script.responses.size(), requests);
    std::map<std::string, std::string> written;
    std::set<std::string> read;
    for (std::size_t i = 0; i < requests; ++i) {
      Message request;
      ASSERT_TRUE(request.ParseFromArray(script.frames[i].data() + kHeaderBytes,
                                         static_cast<int>(script.frames[i].size() - kHeaderBytes -
                                                          kFooterBytes)));
      if (request.kind() == kKindPutOrUpdate) written[request.key()] = request.value();
      if (request.kind() == kKindGet) read.insert(request.key());
    }
    for (const auto& [key, value] : written) {
      EXPECT_TRUE(read.contains(key)) << requests << " requests: " << key << " never read back";
    }
    // The script ends with a hit for the last value of each key.
    const Message& last = script.responses.back();
    EXPECT_EQ(last.kind(), kKindGetResponse);
    EXPECT_EQ(last.value(), written[last.key()]);
  }
}

RunReport sample_report() {
  RunReport run;
  run.target = "127.0.0.1:1";
  run.profile = "concurrent";
  run.seed = 9;
  CaseReport failed;
  failed.id = "6.1/len-4";
  failed.rule = "6.1";
  failed.caused_by = "2.5/coalesced";
  failed.result = Result::kFail;
  failed.expected = "a close";
  failed.observed = "<nothing> & \"silence\" \xff";
  failed.wire_log.push_back({1.5, 1, WireDirection::kSend, std::string("\x04\0\0\0", 4), 4, ""});
  CaseReport skipped;
  skipped.id = "11.2/queued-clients-served";
  skipped.rule = "11.2";
  skipped.result = Result::kSkip;
  skipped.notes.push_back("applies to the sequential profile only");
  run.cases = {failed, skipped};
  for (const CaseReport& r : run.cases) run.summary.add(r.result);
  return run;
}

// "name=value" for every counter of `group`, in order.
std::string stats_value_names(const StatGroup& group) {
  std::string out;
  for (const StatCounter& c : group.counters) {
    out += (out.empty() ? "" : " ") + c.name + "=" + stat_value_text(c);
  }
  return out;
}

TEST(Reports, JsonFollowsTheSchema) {
  const nlohmann::json j = report_to_json(sample_report());
  EXPECT_EQ(j["schema"], "kvconform-report/2");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["summary"]["fail"], 1);
  EXPECT_EQ(j["summary"]["skip"], 1);
  EXPECT_EQ(j["cases"][0]["wire_log"][0]["hex"], "04 00 00 00");
  EXPECT_EQ(j["cases"][0]["wire_log"][0]["dir"], "send");
  EXPECT_EQ(j["cases"][0]["caused_by"], "2.5/coalesced");
  EXPECT_TRUE(j["findings"].is_array());
  EXPECT_EQ(j["aborted"], "");
}

TEST(Reports, FindingsAndAbortsDecideTheExitCode) {
  RunReport run;
  EXPECT_EQ(run.exit_code(), 0);
  run.findings.push_back({"7.2", "the server stopped answering", "details", {}});
  EXPECT_EQ(run.exit_code(), 1);
  EXPECT_EQ(report_to_json(run)["findings"][0]["rule"], "7.2");
  run.aborted = "target unreachable";
  EXPECT_EQ(run.exit_code(), 2);
  run = {};
  run.summary.add(Result::kFlaky);
  EXPECT_EQ(run.exit_code(), 1);
}

TEST(Reports, JunitAndHtmlEscapeServerData) {
  const RunReport run = sample_report();
  const std::string xml = report_to_junit(run);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"applies to the sequential profile only\"/>"),
            std::string::npos);
  EXPECT_EQ(xml.find("<nothing>"), std::string::npos);
  const std::string html = report_to_html(run);
  EXPECT_NE(html.find("&lt;nothing&gt; &amp; &quot;silence&quot; ?"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // Self-contained.
}

TEST(Statistics, GroupsCountAndRulesSortByTheirNumbers) {
  RunStatistics stats;
  EXPECT_TRUE(stats.empty());
  StatGroup& programs = stats.group("explore: programs");
  programs.add("programs run");
  programs.add("programs run");
  programs.add("requests", 40);
  programs.set("steps per second", 812.4, "/s");
  stats.group("other").set("duration", 0.25, "s");
  EXPECT_EQ(&stats.group("explore: programs"), &programs);
  EXPECT_EQ(programs.value("programs run"), 2);
  EXPECT_EQ(stats_value_names(programs), "programs run=2 requests=40 steps per second=812/s");
  for (const char* rule : {"5.10", "5.9", "13.1", "2.5", "12.6"}) stats.can_judge(rule);
  stats.judged("5.10", 3);
  stats.judged("2.5");
  stats.judged("7.1");  // Judged without can_judge(): still listed.
  std::vector<std::string> judged;
  for (const auto& [rule, count] : stats.rules_judged()) {
    judged.push_back(fmt::format("{}x{}", rule, count));
  }
  EXPECT_EQ(judged, (std::vector<std::string>{"2.5x1", "5.10x3", "7.1x1"}));
  EXPECT_EQ(stats.rules_never_exercised(), (std::vector<std::string>{"5.9", "12.6", "13.1"}));
}

TEST(Statistics, EveryReporterShowsThem) {
  RunReport run = sample_report();
  run.statistics.group("client exploration").set("scripts", 7);
  run.statistics.can_judge("9.1");
  run.statistics.judged("6.1", 2);
  const nlohmann::json j = report_to_json(run)["statistics"];
  EXPECT_EQ(j["groups"][0]["name"], "client exploration");
  EXPECT_EQ(j["groups"][0]["counters"][0]["value"], 7);
  EXPECT_EQ(j["rules_judged"]["6.1"], 2);
  EXPECT_EQ(j["rules_never_exercised"], nlohmann::json::array({"9.1"}));
  const std::string html = report_to_html(run);
  EXPECT_NE(html.find("<h2>Statistics</h2>"), std::string::npos);
  EXPECT_NE(html.find("rules never exercised (1): 9.1"), std::string::npos);
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&text, &size);
  ConsoleReport(out, false, false).summary(run);
  std::fclose(out);
  const std::string console(text, size);
  std::free(text);
  EXPECT_NE(console.find("Statistics:\n  client exploration\n      scripts  7\n"),
            std::string::npos)
      << console;
  EXPECT_NE(console.find("rules judged (1, with the judgements run): 6.1 (2)"), std::string::npos);
  EXPECT_EQ(report_to_json(RunReport{})["statistics"]["groups"], nlohmann::json::array());
}

TEST(Reports, ShortRunsKeepTheirDigits) {
  EXPECT_EQ(duration_text(0.42), "0.4 ms");
  EXPECT_EQ(duration_text(35.4), "35 ms");
  EXPECT_EQ(duration_text(2345), "2.3 s");
  RunReport run = sample_report();
  run.duration_ms = 35;
  EXPECT_NE(report_to_html(run).find("· 35 ms</div>"), std::string::npos);
}

TEST(XmlText, ReplacesInvalidUtf8AndControls) {
  EXPECT_EQ(xml_escape("a\x01"
                       "b\xc3\xa9\xff<"),
            "a?b\xc3\xa9?&lt;");
  // Encoded surrogates and overlong forms are not UTF-8 either (SPEC 4.3).
  EXPECT_EQ(xml_escape("\xed\xa0\x80|\xc0\xaf"), "???|??");
}

}  // namespace
}  // namespace kv
