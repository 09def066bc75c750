#include "conformance/engine/case_selection.h"

#include <fnmatch.h>

#include <fstream>
#include <sstream>

namespace kv {

bool glob_match(std::string_view glob, std::string_view text) {
  return ::fnmatch(std::string(glob).c_str(), std::string(text).c_str(), 0) == 0;
}

std::optional<std::string> first_match(const std::vector<std::string>& globs, std::string_view id) {
  for (const std::string& glob : globs) {
    if (glob_match(glob, id)) return glob;
  }
  return std::nullopt;
}

std::string KnownFailingList::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read known-failing file " + path;
  std::ostringstream text;
  text << in.rdbuf();
  parse(text.str());
  return {};
}

void KnownFailingList::parse(std::string_view text) {
  int number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '#') continue;
    line = line.substr(start);
    const std::size_t gap = line.find_first_of(" \t");
    KnownFailure entry{std::string(line.substr(0, gap)), "", number};
    if (gap != std::string_view::npos) {
      std::string_view reason = line.substr(gap);
      const std::size_t first = reason.find_first_not_of(" \t");
      const std::size_t last = reason.find_last_not_of(" \t\r");
      if (first != std::string_view::npos) reason = reason.substr(first, last - first + 1);
      else reason = {};
      entry.reason = std::string(reason);
    }
    entries_.push_back(std::move(entry));
  }
}

const KnownFailure* KnownFailingList::find(std::string_view id) const {
  for (const KnownFailure& entry : entries_) {
    if (glob_match(entry.glob, id)) return &entry;
  }
  return nullptr;
}

}  // namespace kv
