// What a running case can use: the run's options, its own wire log, its
// own keys and random numbers, and new connections to the target.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "conformance/engine/case_result.h"
#include "conformance/engine/run_options.h"
#include "conformance/wire/wire_log.h"
#include "conformance/wire/wire_session.h"

namespace kv {

class ServerSupervisor;

// Under a small --max-frame-bytes a readable key like "6.1/len-4/4711/k"
// would not fit in a frame: below this maximum, keys are compacted.
inline constexpr std::uint32_t kCompactKeysBelow = 4096;

// `full`, or under a small maximum LEN (kCompactKeysBelow) a 12-character
// hex digest of it, so a key private to a run stays private and short.
std::string private_key(const RunOptions& options, std::string_view full);

class CaseContext {
 public:
  // `attempt` is 0 for a case's first run and counts its reruns; a rerun
  // uses keys of its own, so it cannot see what an earlier run stored.
  // `server` is the process the run started with --exec (null under
  // --target); it must outlive the context.
  CaseContext(const RunOptions& options, std::string case_id, WireLog& log, int attempt = 0,
              ServerSupervisor* server = nullptr);

  const RunOptions& options() const { return options_; }
  WireLog& log() { return log_; }
  const std::string& case_id() const { return case_id_; }

  // A key owned by this case in this run: "<case id>/<seed>/<name>" (and
  // "<case id>/<seed>.<attempt>/<name>" for a rerun), so cases can run in
  // any order and in parallel against one store; compacted by
  // private_key() under a small maximum LEN.
  std::string key(std::string_view name) const;
  // Random numbers derived from the run's seed and the case ID.
  std::mt19937_64& rng() { return rng_; }

  // Opens a new connection (numbered 1, 2, ... in the wire log) into
  // `session`; a failure to connect is an ERROR verdict.
  boost::asio::awaitable<Check> open(std::unique_ptr<WireSession>& session);
  // Like open(), for a case to which a refused connection is an answer:
  // returns "" once connected, or why the connection failed.
  boost::asio::awaitable<std::string> try_open(std::unique_ptr<WireSession>& session);

  // The server process under --exec, which a case with `stops_server`
  // (case_registry.h) may signal and watch; null under --target. Other
  // cases must not touch it: the runner restarts it when it must.
  ServerSupervisor* server() const { return server_; }

 private:
  const RunOptions& options_;
  std::string case_id_;
  WireLog& log_;
  int attempt_;
  ServerSupervisor* server_;
  std::mt19937_64 rng_;
  int next_conn_ = 1;
};

}  // namespace kv
