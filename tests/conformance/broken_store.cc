#include "broken_store.h"

#include <chrono>
#include <thread>

namespace kv {

void BrokenStore::put(const std::string& key, const std::string& value) {
  const std::lock_guard lock(mutex_);
  entries_[key] = value;
}

void BrokenStore::put_if_absent(const std::string& key, const std::string& value) {
  const std::lock_guard lock(mutex_);
  entries_.try_emplace(key, value);
}

void BrokenStore::put_racy(const std::string& key, const std::string& value) {
  std::map<std::string, std::string> copy;
  {
    const std::lock_guard lock(mutex_);
    copy = entries_;
  }
  copy[key] = value;
  // Widens the window in which another writer's update is overwritten.
  std::this_thread::sleep_for(std::chrono::microseconds(500));
  const std::lock_guard lock(mutex_);
  entries_ = std::move(copy);
}

std::optional<std::string> BrokenStore::get(const std::string& key) const {
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  return found->second;
}

}  // namespace kv
