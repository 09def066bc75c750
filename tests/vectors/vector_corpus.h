// Loads the normative test vectors of spec/vectors/*.jsonl (format in
// spec/vectors/README.md) for the vector tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conformance/rules/spec_vectors.h"

namespace kv::test {

// The vector model is the one kvconform uses (conformance/rules/spec_vectors.h).
using TestVector = SpecVector;
using VectorCorpus = SpecVectorSet;

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

}  // namespace kv::test

namespace kv {

// GoogleTest prints parameters with this: the vector's id.
void PrintTo(const SpecVector& vector, std::ostream* out);

}  // namespace kv
