#include "tests/servers/unit/failing_allocator.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace kv::test {
namespace {

std::atomic<std::size_t> g_fail_from{SIZE_MAX};
std::atomic<std::size_t> g_failures{0};

void* allocate(std::size_t n) noexcept {
  if (n >= g_fail_from.load(std::memory_order_relaxed)) {
    g_failures.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  return std::malloc(n == 0 ? 1 : n);
}

void* allocate_or_throw(std::size_t n) {
  void* p = allocate(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

FailLargeAllocations::FailLargeAllocations(std::size_t min_bytes)
    : failures_at_start_(g_failures.load()) {
  g_fail_from.store(min_bytes);
}

FailLargeAllocations::~FailLargeAllocations() { g_fail_from.store(SIZE_MAX); }

std::size_t FailLargeAllocations::failures() const { return g_failures.load() - failures_at_start_; }

}  // namespace kv::test

// The replaceable allocation functions ([new.delete]); the aligned forms
// are left to the library, which pairs them with its own deletes.
void* operator new(std::size_t n) { return kv::test::allocate_or_throw(n); }
void* operator new[](std::size_t n) { return kv::test::allocate_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return kv::test::allocate(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return kv::test::allocate(n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
