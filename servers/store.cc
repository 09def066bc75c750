#include "servers/store.h"

#include <mutex>

namespace kv {

void Store::put(std::string_view key, std::string_view value) {
  std::unique_lock lock(mutex_);
  entries_.insert_or_assign(std::string(key), std::string(value));
}

std::optional<std::string> Store::get(std::string_view key) const {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::size_t Store::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace kv
