// A replacement of the global operator new for the one test binary that
// links failing_allocator.cc: while a FailLargeAllocations object lives,
// every allocation of at least its size, on any thread, fails as it would
// when memory runs out (std::bad_alloc; nullptr for the nothrow forms).
// Smaller allocations still succeed, so the code under test can go on.
#pragma once

#include <cstddef>

namespace kv::test {

class FailLargeAllocations {
 public:
  explicit FailLargeAllocations(std::size_t min_bytes);
  ~FailLargeAllocations();
  FailLargeAllocations(const FailLargeAllocations&) = delete;
  FailLargeAllocations& operator=(const FailLargeAllocations&) = delete;

  // How many allocations failed since this object was made.
  std::size_t failures() const;

 private:
  std::size_t failures_at_start_;
};

}  // namespace kv::test
