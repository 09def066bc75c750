// The key-value store that every connection of a server shares (SPEC 5.8).
//
// Thread-safety: every member function may be called concurrently from any
// number of threads. Reads take a shared lock and writes an exclusive one,
// so each operation takes effect atomically (SPEC 10.1) and a PUT that has
// returned is visible to every later get() on any thread (SPEC 10.2).
//
// Lookups take the key as a string_view and build no temporary string, and
// replacing a value reuses the stored string's capacity, so a PUT of an
// existing key and every GET allocate nothing once the caller's strings have
// grown to size.
#pragma once

#include <cstddef>
#include <functional>
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
  // If `key` is stored, copies its value into `value` (reusing `value`'s
  // storage) and returns true; otherwise returns false and leaves `value`
  // unchanged.
  bool get(std::string_view key, std::string& value) const;
  enum class Lookup { kHit, kMiss, kRefused };
  // Like get(), but a value longer than `free_up_to` bytes is copied only
  // if `admit(its size)` returns true, under the same lock; kRefused, and
  // `value` unchanged, when it returns false.
  Lookup get_admitted(std::string_view key, std::string& value, std::size_t free_up_to,
                      const std::function<bool(std::size_t)>& admit) const;
  std::size_t size() const;

 private:
  // Lets the map be searched with a string_view (heterogeneous lookup).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>> entries_;
};

}  // namespace kv
