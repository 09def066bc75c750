#include "conformance/report/report_file.h"

#include <fstream>

namespace kv {

std::string write_text_file(const std::string& path, std::string_view text) {
  std::ofstream out(path);
  if (!out) return "cannot write " + path;
  out << text;
  return out ? std::string() : "error writing " + path;
}

}  // namespace kv
