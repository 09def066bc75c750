#include "tests/vectors/vector_corpus.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>


namespace kv::test {
namespace {

void load_file(const std::filesystem::path& path, VectorCorpus& corpus) {
  std::ifstream in(path);
  if (!in) {
    corpus.errors.push_back("cannot open " + path.string());
    return;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  parse_vector_file(text, path.filename().string(), corpus);
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

}  // namespace kv::test

namespace kv {

void PrintTo(const SpecVector& vector, std::ostream* out) { *out << vector.id; }

}  // namespace kv
