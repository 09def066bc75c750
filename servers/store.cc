#include "servers/store.h"

#include <mutex>

namespace kv {

void Store::put(std::string_view key, std::string_view value) {
  std::unique_lock lock(mutex_);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    it->second.assign(value);
    return;
  }
  entries_.emplace(std::string(key), std::string(value));
}

bool Store::get(std::string_view key, std::string& value) const {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  value.assign(it->second);
  return true;
}

Store::Lookup Store::get_admitted(std::string_view key, std::string& value, std::size_t free_up_to,
                                  const std::function<bool(std::size_t)>& admit) const {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return Lookup::kMiss;
  if (it->second.size() > free_up_to && !admit(it->second.size())) return Lookup::kRefused;
  value.assign(it->second);
  return Lookup::kHit;
}

std::size_t Store::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace kv
