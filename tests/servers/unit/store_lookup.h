// Test helper: a Store lookup as an optional, for readable expectations.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "servers/store.h"

namespace kv::test {

// The value stored under `key`, or std::nullopt if there is none.
inline std::optional<std::string> stored_value(const Store& store, std::string_view key) {
  std::string value;
  if (!store.get(key, value)) return std::nullopt;
  return value;
}

}  // namespace kv::test
