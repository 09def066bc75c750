// The normative test vectors of spec/vectors/*.jsonl (format in
// spec/vectors/README.md), parsed: the vector tests read them from disk,
// and kvconform carries a copy built into the binary, from which it makes
// one wire case per vector (conformance/cases/vectors.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kv {

struct SpecVector {
  std::string id;
  std::string rule;
  std::string description;
  std::uint32_t max_frame_len = 0;
  std::string bytes;                // The decoded "hex" field.
  std::vector<std::size_t> splits;  // Strictly increasing, inside (0, bytes.size()).
  nlohmann::json expect;            // The expected events, a JSON array.
  std::string source;               // "file.jsonl:line", for messages.
};

struct SpecVectorSet {
  std::vector<SpecVector> vectors;
  // One message per malformed line or file; empty when all is well.
  std::vector<std::string> errors;
};

// Parses the JSON lines of one vector file, named `file_name` in messages,
// appending to `set`.
void parse_vector_file(std::string_view text, const std::string& file_name, SpecVectorSet& set);

// The vectors built into this binary: spec/vectors/*.jsonl as they were
// when it was built, in file name order.
const SpecVectorSet& built_in_vectors();

}  // namespace kv
