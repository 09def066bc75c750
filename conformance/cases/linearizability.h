// A linearizability checker for a history of PUTs and GETs on one key
// (SPEC 10.1), modelled as a register: a search over orders that respect
// real time, in the manner of Wing and Gong, with memoisation of the
// (linearized set, register value) states already explored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kv {

struct RegisterOp {
  enum class Type { kPut, kGet } type = Type::kGet;
  // kPut: the value written. kGet: the value read, std::nullopt for a miss.
  std::optional<std::string> value;
  double invoke_ms = 0;    // Before the request's first byte was sent.
  double response_ms = 0;  // After the response was read.
  int client = 0;
};

struct LinearizabilityResult {
  bool linearizable = true;
  std::string explanation;  // Why not, when not.
};

// At most kMaxOps operations per key (the search is exponential).
inline constexpr std::size_t kMaxRegisterOps = 64;

// Which orders the search may pick. kRealTime: any order that respects
// real time (SPEC 10.1). kClientOrder: also, the operations of one client
// take effect in the order they appear in the history, as the requests
// of one connection do when they are pipelined (SPEC 5.7, 8.1).
enum class OrderRule { kRealTime, kClientOrder };

// Checks the history of one key whose value before the history is
// `initial` (std::nullopt: absent).
LinearizabilityResult check_register_history(const std::vector<RegisterOp>& history,
                                             const std::optional<std::string>& initial,
                                             OrderRule order = OrderRule::kRealTime);

std::string describe_register_op(const RegisterOp& op);

}  // namespace kv
