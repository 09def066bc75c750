// The key-value store of broken_kvserver, shared by all its connections
// (SPEC 5.8). put(), get() and put_if_absent() are atomic; put_racy() is the
// lost-updates flaw.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace kv {

class BrokenStore {
 public:
  // Stores `value` under `key`, replacing any earlier value (SPEC 5.1).
  void put(const std::string& key, const std::string& value);

  // Stores `value` only if `key` is absent (the overwrite-ignored flaw).
  void put_if_absent(const std::string& key, const std::string& value);

  // Copies the whole map under the lock, changes the copy without it, then
  // writes the copy back: concurrent writers overwrite each other's updates
  // (the lost-updates flaw, SPEC 10.3).
  void put_racy(const std::string& key, const std::string& value);

  // The value under `key`, or std::nullopt on a miss.
  std::optional<std::string> get(const std::string& key) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> entries_;
};

}  // namespace kv
