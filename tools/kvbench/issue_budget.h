// Decides whether a worker may send another request: until the run's
// deadline, and (in --requests mode) until its share of requests is spent.
#pragma once

#include <cstdint>

namespace kv {

class IssueBudget {
 public:
  // `limit` requests at most; 0 means no limit but the deadline.
  explicit IssueBudget(std::uint64_t limit) : limit_(limit) {}

  // True, and counts one request, if another request may be sent.
  bool try_take() {
    if (exhausted()) return false;
    ++taken_;
    return true;
  }

  // Sends no more requests from now on (the deadline has passed).
  void stop() { stopped_ = true; }
  // True once no more requests will be sent.
  bool exhausted() const { return stopped_ || (limit_ != 0 && taken_ == limit_); }

 private:
  std::uint64_t limit_;
  std::uint64_t taken_ = 0;
  bool stopped_ = false;
};

}  // namespace kv
