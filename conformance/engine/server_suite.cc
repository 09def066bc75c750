#include "conformance/engine/server_suite.h"

#include <fmt/format.h>

#include "conformance/engine/case_selection.h"
#include "conformance/engine/target.h"

namespace kv {

ServerCaseSource::ServerCaseSource(std::vector<const CaseDef*> cases,
                                   std::vector<std::string> exclude, const RunOptions& options,
                                   bool exec)
    : cases_(std::move(cases)), exclude_(std::move(exclude)), options_(options), exec_(exec) {}

std::string ServerCaseSource::skip_reason(const CaseDef& def) const {
  if (const auto glob = first_match(exclude_, def.id)) {
    return fmt::format("excluded by --exclude '{}'", *glob);
  }
  if (def.stops_server && !exec_) {
    return "needs --exec: the case stops the server with a signal, and kvconform can signal "
           "only a server it started itself";
  }
  if (options_.max_frame_bytes < def.min_max_frame_bytes) {
    return fmt::format("its frames need --max-frame-bytes {} or more", def.min_max_frame_bytes);
  }
  const bool concurrent = options_.profile == Profile::kConcurrent;
  if (def.scope == ProfileScope::kConcurrentOnly && !concurrent) {
    return "applies to the concurrent profile only";
  }
  if (def.scope == ProfileScope::kSequentialOnly && concurrent) {
    return "applies to the sequential profile only";
  }
  return {};
}

std::vector<CheckSpec> ServerCaseSource::checks() const {
  std::vector<CheckSpec> specs;
  for (const CaseDef* def : cases_) {
    specs.push_back({def->id, std::string(def->rule()), def->level, def->quote, skip_reason(*def),
                     def->solo, def->stops_server, def->needs});
  }
  return specs;
}

boost::asio::awaitable<Verdict> ServerCaseSource::run(std::size_t index, CheckRun& run) {
  const CaseDef& def = *cases_[index];
  CaseContext ctx(run.options, def.id, run.log, run.attempt,
                  run.target != nullptr ? run.target->process() : nullptr);
  co_return co_await def.run(ctx);
}

}  // namespace kv
