#include "conformance/explore/key_space.h"

#include <fmt/format.h>

#include <random>
#include <stdexcept>

namespace kv {

KeySpace KeySpace::tagged(std::string tag) {
  if (tag.empty()) throw std::invalid_argument("KeySpace::tagged: empty tag");
  return KeySpace(std::move(tag));
}

KeySpace KeySpace::whole_store() { return KeySpace(std::string()); }

bool KeySpace::owns(std::string_view key) const {
  return tag_.empty() || key.find(tag_) != std::string_view::npos;
}

std::string KeyNamespaces::next(std::uint64_t index) {
  return fmt::format("x{:08x}.{}.{}/", nonce_, index, ++runs_);
}

std::uint32_t KeyNamespaces::random_nonce() {
  std::random_device device;
  return static_cast<std::uint32_t>(device());
}

}  // namespace kv
