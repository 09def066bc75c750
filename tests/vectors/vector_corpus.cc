#include "tests/vectors/vector_corpus.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>

#include "codec/frame_format.h"

namespace kv::test {
namespace {

std::optional<int> hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return std::nullopt;
}

// Decodes lowercase hex without separators; std::nullopt if malformed.
std::optional<std::string> decode_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const auto high = hex_digit(hex[i]);
    const auto low = hex_digit(hex[i + 1]);
    if (!high || !low) return std::nullopt;
    bytes.push_back(static_cast<char>(*high * 16 + *low));
  }
  return bytes;
}

bool splits_are_valid(const std::vector<std::size_t>& splits, std::size_t stream_bytes) {
  for (std::size_t i = 0; i < splits.size(); ++i) {
    if (splits[i] == 0 || splits[i] >= stream_bytes) return false;
    if (i > 0 && splits[i] <= splits[i - 1]) return false;
  }
  return true;
}

// Builds a vector from one parsed line; returns an error message instead
// when a field is missing or out of range.
std::optional<std::string> parse_vector(const nlohmann::json& line, TestVector& vector) {
  if (!line.is_object()) return "not a JSON object";
  for (const char* field : {"id", "rule", "description", "hex"}) {
    if (!line.contains(field) || !line[field].is_string()) return std::string("no string ") + field;
  }
  if (!line.contains("expect") || !line["expect"].is_array()) return "no array expect";
  vector.id = line["id"];
  vector.rule = line["rule"];
  vector.description = line["description"];
  vector.expect = line["expect"];
  const auto bytes = decode_hex(line["hex"]);
  if (!bytes) return "hex is not lowercase hex of whole bytes";
  vector.bytes = *bytes;
  const nlohmann::json max = line.value("max_frame_len", nlohmann::json(kDefaultMaxFrameLen));
  if (!max.is_number_unsigned() || max < kMinFrameLen || max > kMaxConfigurableFrameLen) {
    return "max_frame_len is not an integer in [5, 2147483647]";
  }
  vector.max_frame_len = max.get<std::uint32_t>();
  const nlohmann::json splits = line.value("splits", nlohmann::json::array());
  if (!splits.is_array()) return "splits is not an array";
  for (const nlohmann::json& split : splits) {
    if (!split.is_number_unsigned()) return "a split is not an unsigned integer";
    vector.splits.push_back(split.get<std::size_t>());
  }
  if (!splits_are_valid(vector.splits, vector.bytes.size())) return "splits not increasing inside the stream";
  return std::nullopt;
}

void load_file(const std::filesystem::path& path, VectorCorpus& corpus) {
  std::ifstream in(path);
  if (!in) {
    corpus.errors.push_back("cannot open " + path.string());
    return;
  }
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    const std::string source = path.filename().string() + ":" + std::to_string(number);
    const nlohmann::json line = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    TestVector vector;
    vector.source = source;
    if (const auto error = parse_vector(line, vector)) {
      corpus.errors.push_back(source + ": " + *error);
      continue;
    }
    corpus.vectors.push_back(std::move(vector));
  }
}

}  // namespace

VectorCorpus load_vector_corpus(const std::string& directory) {
  VectorCorpus corpus;
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  if (error) corpus.errors.push_back("cannot list " + directory + ": " + error.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) load_file(file, corpus);
  return corpus;
}

const VectorCorpus& spec_vector_corpus() {
  static const VectorCorpus corpus = load_vector_corpus(KV_VECTORS_DIR);
  return corpus;
}

std::string test_name_of(const std::string& id) {
  std::string name = id;
  std::replace_if(
      name.begin(), name.end(), [](unsigned char c) { return !std::isalnum(c); }, '_');
  return name;
}

int expected_kvdump_status(const nlohmann::json& expect) {
  const bool has_error = std::any_of(expect.begin(), expect.end(), [](const nlohmann::json& event) {
    return event.contains("error");
  });
  return has_error ? 1 : 0;
}

void PrintTo(const TestVector& vector, std::ostream* out) { *out << vector.id; }

}  // namespace kv::test
