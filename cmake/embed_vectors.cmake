# Writes OUTPUT, a C++ source holding every *.jsonl file of VECTORS_DIR as
# a string (conformance/rules/spec_vectors.cc declares what it defines). Run with
# cmake -DVECTORS_DIR=... -DOUTPUT=... -P embed_vectors.cmake.
file(GLOB files RELATIVE ${VECTORS_DIR} ${VECTORS_DIR}/*.jsonl)
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  file(READ ${VECTORS_DIR}/${name} text)
  string(APPEND body "    {\"${name}\", R\"kv_vectors(${text})kv_vectors\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from spec/vectors/*.jsonl by cmake/embed_vectors.cmake. Do not edit.
#include <string_view>
#include <vector>

namespace kv {

struct EmbeddedVectorFile {
  std::string_view name;
  std::string_view text;
};

extern const std::vector<EmbeddedVectorFile> kEmbeddedVectorFiles;
const std::vector<EmbeddedVectorFile> kEmbeddedVectorFiles = {
${body}};

}  // namespace kv
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
