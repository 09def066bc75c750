// Which cases a run includes (--cases), excludes (--exclude) and expects
// to fail (--known-failing FILE).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

// Shell-style glob: '*' matches any run of characters (including '/'),
// '?' one character, [...] a set. "6.1/*" selects every case of rule 6.1.
bool glob_match(std::string_view glob, std::string_view text);

// The first glob in `globs` matching `id`, if any.
std::optional<std::string> first_match(const std::vector<std::string>& globs, std::string_view id);

struct KnownFailure {
  std::string glob;
  std::string reason;
  int line = 0;
};

// The known-failing file: one `CASE-ID-or-GLOB  reason...` per line; blank
// lines and lines starting with '#' are ignored.
class KnownFailingList {
 public:
  // Reads `path`; returns an error message, or an empty string on success.
  std::string load(const std::string& path);
  // Parses file contents (for tests).
  void parse(std::string_view text);

  const KnownFailure* find(std::string_view id) const;
  const std::vector<KnownFailure>& entries() const { return entries_; }

 private:
  std::vector<KnownFailure> entries_;
};

}  // namespace kv
