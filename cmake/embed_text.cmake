# Writes OUTPUT, a C++ source defining `const std::string_view kv::NAME`
# with the text of INPUT (declared where it is used). Run with
# cmake -DINPUT=... -DOUTPUT=... -DNAME=... -P embed_text.cmake.
file(READ ${INPUT} text)
get_filename_component(source ${INPUT} NAME)
file(WRITE ${OUTPUT}.tmp
"// Generated from ${source} by cmake/embed_text.cmake. Do not edit.
#include <string_view>

namespace kv {

extern const std::string_view ${NAME};
const std::string_view ${NAME} = R\"kv_text(${text})kv_text\";

}  // namespace kv
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
