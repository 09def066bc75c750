// The server cases (conformance/cases/) as a source of checks for the
// suite engine (suite_run.h): each selected CaseDef is one check, SKIP
// when it does not apply to this run (--exclude, profile, maximum LEN, a
// case that stops the server without --exec).
#pragma once

#include <string>
#include <vector>

#include "conformance/cases/case_registry.h"
#include "conformance/engine/check_source.h"

namespace kv {

class ServerCaseSource : public CheckSource {
 public:
  // `exclude` are the --exclude globs; `options` the run's; `exec` whether
  // kvconform starts the server (--exec). `cases` must outlive the source.
  ServerCaseSource(std::vector<const CaseDef*> cases, std::vector<std::string> exclude,
                   const RunOptions& options, bool exec);

  std::vector<CheckSpec> checks() const override;
  boost::asio::awaitable<Verdict> run(std::size_t index, CheckRun& run) override;

  // Why `def` is SKIP in this run, or "".
  std::string skip_reason(const CaseDef& def) const;

 private:
  std::vector<const CaseDef*> cases_;
  std::vector<std::string> exclude_;
  RunOptions options_;
  bool exec_;
};

}  // namespace kv
