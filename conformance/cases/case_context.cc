#include "conformance/cases/case_context.h"

#include <fmt/format.h>

#include <functional>

namespace kv {

CaseContext::CaseContext(const RunOptions& options, std::string case_id, WireLog& log, int attempt,
                         ServerSupervisor* server)
    : options_(options),
      case_id_(std::move(case_id)),
      log_(log),
      attempt_(attempt),
      server_(server),
      rng_(options.seed ^ std::hash<std::string>{}(case_id_)) {}

std::string private_key(const RunOptions& options, std::string_view full) {
  if (options.max_frame_bytes >= kCompactKeysBelow) return std::string(full);
  // FNV-1a, 64 bits: stable across builds and platforms.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : full) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:012x}", hash & 0xFFFFFFFFFFFFULL);
}

std::string CaseContext::key(std::string_view name) const {
  if (attempt_ == 0) {
    return private_key(options_, fmt::format("{}/{}/{}", case_id_, options_.seed, name));
  }
  return private_key(options_, fmt::format("{}/{}.{}/{}", case_id_, options_.seed, attempt_, name));
}

boost::asio::awaitable<Check> CaseContext::open(std::unique_ptr<WireSession>& session) {
  const std::string error = co_await try_open(session);
  if (!error.empty()) co_return error_verdict("could not connect: " + error);
  co_return std::nullopt;
}

boost::asio::awaitable<std::string> CaseContext::try_open(std::unique_ptr<WireSession>& session) {
  ConnectResult result = co_await WireSession::connect(
      options_.endpoint, log_, next_conn_++, options_.response_timeout(), options_.max_frame_bytes);
  session = std::move(result.session);
  co_return session ? std::string() : result.error;
}

}  // namespace kv
