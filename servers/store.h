// The key-value store that every connection of a server shares (SPEC 5.8).
//
// Thread-safety: every member function may be called concurrently from any
// number of threads. Reads take a shared lock and writes an exclusive one,
// so each operation takes effect atomically (SPEC 10.1) and a PUT that has
// returned is visible to every later get() on any thread (SPEC 10.2).
#pragma once

#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kv {

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores `value` under `key`, replacing any earlier value.
  void put(std::string_view key, std::string_view value);
  // The value stored under `key`, or std::nullopt if there is none.
  std::optional<std::string> get(std::string_view key) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> entries_;
};

}  // namespace kv
