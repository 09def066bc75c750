// Runs every spec/vectors case through kv::FrameDecoder, with each body
// parser (protobuf's ParseFromArray alone, the reference; next()'s
// parse_message(); and next_view()'s zero-copy view parser): in the
// vector's own splits, byte by byte, and in one read; the events must equal
// `expect` exactly (SPEC 2.5: the result does not depend on the splits).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <numeric>
#include <regex>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "codec/decoded_stream.h"
#include "tests/vectors/vector_corpus.h"
#include "tools/kvdump/event_json.h"

namespace kv::test {
namespace {

// Decodes `vector.bytes` cut at `cuts` with `parser`. Returns the events as
// plain JSON.
nlohmann::json decode_in_reads(const TestVector& vector, const std::vector<std::size_t>& cuts,
                               BodyParser parser) {
  const std::span<const std::uint8_t> stream(
      reinterpret_cast<const std::uint8_t*>(vector.bytes.data()), vector.bytes.size());
  nlohmann::json events = nlohmann::json::array();
  for (const StreamEvent& event :
       decode_stream(stream, cuts, DecoderOptions{vector.max_frame_len}, parser)) {
    events.push_back(nlohmann::json(event_json(event)));
  }
  return events;
}

std::string hex_of(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char byte : bytes) {
    hex += kDigits[static_cast<unsigned char>(byte) >> 4U];
    hex += kDigits[static_cast<unsigned char>(byte) & 0xFU];
  }
  return hex;
}

std::vector<std::size_t> every_byte(std::size_t stream_bytes) {
  std::vector<std::size_t> cuts(stream_bytes > 0 ? stream_bytes - 1 : 0);
  std::iota(cuts.begin(), cuts.end(), std::size_t{1});
  return cuts;
}

class VectorTest : public ::testing::TestWithParam<TestVector> {
 protected:
  void expect_events(const std::vector<std::size_t>& cuts) {
    const TestVector& vector = GetParam();
    for (const BodyParser parser :
         {BodyParser::kProtobuf, BodyParser::kMessage, BodyParser::kView}) {
      const nlohmann::json events = decode_in_reads(vector, cuts, parser);
      EXPECT_EQ(events, vector.expect)
          << vector.source << " " << vector.id << ": " << vector.description
          << "\n  parser: " << describe(parser) << "\n  got:  " << events.dump()
          << "\n  want: " << vector.expect.dump();
    }
  }
};

TEST_P(VectorTest, DecodesToExpectedEventsInAnyReads) {
  {
    SCOPED_TRACE("in the vector's own splits");
    expect_events(GetParam().splits);
  }
  {
    SCOPED_TRACE("byte by byte");
    expect_events(every_byte(GetParam().bytes.size()));
  }
  {
    SCOPED_TRACE("in one read");
    expect_events({});
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, VectorTest, ::testing::ValuesIn(spec_vector_corpus().vectors),
                         [](const ::testing::TestParamInfo<TestVector>& info) {
                           return test_name_of(info.param.id);
                         });

// The rule IDs defined in spec/SPEC.md: a line that starts with a bold ID,
// such as "**2.5** A receiver MUST ...". Citations elsewhere do not count.
std::set<std::string> spec_rule_ids() {
  std::ifstream in(KV_SPEC_FILE);
  const std::regex rule_start(R"(^\*\*(\d+\.\d+)\*\* )");
  std::set<std::string> ids;
  std::smatch match;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, match, rule_start)) ids.insert(match[1]);
  }
  return ids;
}

bool is_hex_byte(const std::string& token) {
  return token.size() == 2 && std::isxdigit(static_cast<unsigned char>(token[0])) &&
         std::isxdigit(static_cast<unsigned char>(token[1]));
}

// The byte examples of spec/SPEC.md: in each indented code line, the run of
// hex bytes (and "|" separators) after an optional label, as plain hex.
// Runs shorter than a LEN header are not frames and are skipped.
std::vector<std::string> spec_byte_examples() {
  std::ifstream in(KV_SPEC_FILE);
  std::vector<std::string> examples;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("    ")) continue;
    std::istringstream tokens(line);
    std::string token;
    std::string hex;
    while (tokens >> token && hex.empty() && !is_hex_byte(token)) {
    }
    do {
      if (is_hex_byte(token)) {
        hex += token;
      } else if (token != "|") {
        break;
      }
    } while (tokens >> token);
    if (hex.size() >= 8) examples.push_back(hex);
  }
  return examples;
}

TEST(SpecExamples, EveryWorkedExampleIsInAVector) {
  const std::vector<std::string> examples = spec_byte_examples();
  EXPECT_GE(examples.size(), 10U) << "too few byte examples found in " << KV_SPEC_FILE;
  const auto& vectors = spec_vector_corpus().vectors;
  for (const std::string& example : examples) {
    const bool found = std::any_of(vectors.begin(), vectors.end(), [&](const TestVector& vector) {
      return hex_of(vector.bytes).find(example) != std::string::npos;
    });
    EXPECT_TRUE(found) << "SPEC.md bytes " << example << " appear in no vector";
  }
}

TEST(VectorCorpus, LoadsWithoutErrors) {
  const VectorCorpus& corpus = spec_vector_corpus();
  EXPECT_TRUE(corpus.errors.empty()) << ::testing::PrintToString(corpus.errors);
}

TEST(VectorCorpus, HasAtLeastSixtyVectorsWithUniqueIds) {
  const auto& vectors = spec_vector_corpus().vectors;
  EXPECT_GE(vectors.size(), 60U);
  std::set<std::string> ids;
  std::set<std::string> names;
  for (const TestVector& vector : vectors) {
    EXPECT_TRUE(ids.insert(vector.id).second) << "duplicate id " << vector.id;
    EXPECT_TRUE(names.insert(test_name_of(vector.id)).second) << "test name clash " << vector.id;
    const std::string topic = vector.id.substr(0, vector.id.find('/'));
    EXPECT_EQ(topic + ".jsonl", vector.source.substr(0, vector.source.find(':')))
        << "an id starts with its file's topic: " << vector.id;
  }
}

TEST(VectorCorpus, EveryRuleExistsInSpec) {
  const std::set<std::string> rules = spec_rule_ids();
  ASSERT_FALSE(rules.empty()) << "no bold rule IDs found in " << KV_SPEC_FILE;
  for (const TestVector& vector : spec_vector_corpus().vectors) {
    EXPECT_TRUE(rules.contains(vector.rule)) << vector.id << " cites unknown rule " << vector.rule;
  }
}

}  // namespace
}  // namespace kv::test
