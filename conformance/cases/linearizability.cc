#include "conformance/cases/linearizability.h"

#include <fmt/format.h>

#include <utility>
#include <unordered_set>

namespace kv {

namespace {

class Search {
 public:
  Search(const std::vector<RegisterOp>& history, const std::optional<std::string>& initial,
         OrderRule order)
      : ops_(history), order_(order) {
    // Register values are interned; index 0 is "absent".
    values_.push_back(std::nullopt);
    initial_ = intern(initial);
    for (const RegisterOp& op : ops_) op_values_.push_back(intern(op.value));
  }

  bool run() { return explore(0, initial_); }
  std::size_t deepest() const { return deepest_; }

 private:
  int intern(const std::optional<std::string>& value) {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (values_[i] == value) return static_cast<int>(i);
    }
    values_.push_back(value);
    return static_cast<int>(values_.size() - 1);
  }

  // An operation may come next if no other pending operation finished
  // before it was invoked.
  bool may_come_next(std::size_t i, std::uint64_t done) const {
    for (std::size_t j = 0; j < ops_.size(); ++j) {
      if (j == i || (done >> j) & 1U) continue;
      if (ops_[j].response_ms < ops_[i].invoke_ms) return false;
      if (order_ == OrderRule::kClientOrder && j < i && ops_[j].client == ops_[i].client) {
        return false;
      }
    }
    return true;
  }

  bool explore(std::uint64_t done, int state) {
    const std::size_t count = static_cast<std::size_t>(__builtin_popcountll(done));
    if (count > deepest_) deepest_ = count;
    if (count == ops_.size()) return true;
    if (!seen_.insert({done, state}).second) return false;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if ((done >> i) & 1U || !may_come_next(i, done)) continue;
      const RegisterOp& op = ops_[i];
      if (op.type == RegisterOp::Type::kGet && op_values_[i] != state) continue;
      const int next = op.type == RegisterOp::Type::kPut ? op_values_[i] : state;
      if (explore(done | (std::uint64_t{1} << i), next)) return true;
    }
    return false;
  }

  const std::vector<RegisterOp>& ops_;
  OrderRule order_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> op_values_;
  int initial_ = 0;
  struct StateHash {
    std::size_t operator()(const std::pair<std::uint64_t, int>& s) const {
      return std::hash<std::uint64_t>{}(s.first * 0x9E3779B97F4A7C15ULL ^
                                        static_cast<std::uint64_t>(s.second));
    }
  };
  std::unordered_set<std::pair<std::uint64_t, int>, StateHash> seen_;
  std::size_t deepest_ = 0;
};

}  // namespace

std::string describe_register_op(const RegisterOp& op) {
  const std::string value = op.value ? fmt::format("\"{}\"", *op.value) : std::string("miss");
  return fmt::format("client {} {} {} [{:.3f} ms, {:.3f} ms]", op.client,
                     op.type == RegisterOp::Type::kPut ? "PUT" : "GET ->", value, op.invoke_ms,
                     op.response_ms);
}

LinearizabilityResult check_register_history(const std::vector<RegisterOp>& history,
                                             const std::optional<std::string>& initial,
                                             OrderRule order) {
  if (history.size() > kMaxRegisterOps) {
    return {false, fmt::format("history too long to check ({} ops, at most {})", history.size(),
                               kMaxRegisterOps)};
  }
  Search search(history, initial, order);
  if (search.run()) return {};
  std::string text = fmt::format(
      "no order of these {} operations respects real time and register semantics "
      "(the longest valid prefix found has {} operations):",
      history.size(), search.deepest());
  for (const RegisterOp& op : history) text += "\n  " + describe_register_op(op);
  return {false, text};
}

}  // namespace kv
