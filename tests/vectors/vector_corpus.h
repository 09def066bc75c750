// Loads the normative test vectors of spec/vectors/*.jsonl (format in
// spec/vectors/README.md) for the vector tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kv::test {

struct TestVector {
  std::string id;
  std::string rule;
  std::string description;
  std::uint32_t max_frame_len = 0;
  std::string bytes;                // The decoded "hex" field.
  std::vector<std::size_t> splits;  // Strictly increasing, inside (0, bytes.size()).
  nlohmann::json expect;            // The expected events, a JSON array.
  std::string source;               // "file.jsonl:line", for messages.
};

struct VectorCorpus {
  std::vector<TestVector> vectors;
  // One message per malformed line or file; empty when all is well.
  std::vector<std::string> errors;
};

// Reads every *.jsonl file of `directory`, in file name order.
VectorCorpus load_vector_corpus(const std::string& directory);

// The corpus of KV_VECTORS_DIR, loaded once.
const VectorCorpus& spec_vector_corpus();

// A GoogleTest-safe name for a vector id: "framing/split-at-3" becomes
// "framing_split_at_3".
std::string test_name_of(const std::string& id);

// The exit status kvdump must return for these expected events (SPEC 6.6):
// 1 if any is an error event, else 0.
int expected_kvdump_status(const nlohmann::json& expect);

// GoogleTest prints parameters with this: the vector's id.
void PrintTo(const TestVector& vector, std::ostream* out);

}  // namespace kv::test
