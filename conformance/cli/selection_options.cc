#include "conformance/cli/selection_options.h"

namespace kv::cli {

void add_selection_options(CLI::App& app, std::vector<std::string>& cases,
                           std::vector<std::string>& exclude, std::string& known_failing) {
  app.add_option("--cases", cases,
                 "run only the cases whose ID matches this glob (repeatable; see kvconform list)");
  app.add_option("--exclude", exclude,
                 "report the cases whose ID matches this glob as SKIP (repeatable)");
  app.add_option("--known-failing", known_failing,
                 "file of 'CASE-ID-or-GLOB reason' lines: those failures do not fail the run")
      ->check(CLI::ExistingFile);
}

}  // namespace kv::cli
