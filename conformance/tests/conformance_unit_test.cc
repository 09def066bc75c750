// Unit tests of the runner's pure parts: the linearizability checker, case
// selection and the known-failing file, stream shapes, frame sizing, the
// registry and the report writers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <numeric>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/case_helpers.h"
#include "conformance/case_registry.h"
#include "conformance/case_selection.h"
#include "conformance/html_report.h"
#include "conformance/json_report.h"
#include "conformance/junit_report.h"
#include "conformance/linearizability.h"
#include "conformance/messages.h"
#include "conformance/stream_shapes.h"
#include "conformance/xml_text.h"

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

// CaseRegistry::add aborts on a duplicate ID, so IDs are unique here.
TEST(Registry, IdsCiteTheirRule) {
  for (const CaseDef& def : all_cases().cases()) {
    EXPECT_EQ(def.id.rfind(def.rule + "/", 0), 0U) << def.id;
    EXPECT_FALSE(def.quote.empty()) << def.id;
    EXPECT_TRUE(static_cast<bool>(def.run)) << def.id;
  }
  EXPECT_GE(all_cases().cases().size(), 40U);
}

RunReport sample_report() {
  RunReport run;
  run.target = "127.0.0.1:1";
  run.profile = "concurrent";
  run.seed = 9;
  CaseReport failed;
  failed.id = "6.1/len-4";
  failed.rule = "6.1";
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

TEST(Reports, JsonFollowsTheSchema) {
  const nlohmann::json j = report_to_json(sample_report());
  EXPECT_EQ(j["schema"], "kvconform-report/1");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["summary"]["fail"], 1);
  EXPECT_EQ(j["summary"]["skip"], 1);
  EXPECT_EQ(j["cases"][0]["wire_log"][0]["hex"], "04 00 00 00");
  EXPECT_EQ(j["cases"][0]["wire_log"][0]["dir"], "send");
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
}

}  // namespace
}  // namespace kv
