#include "buffer.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace kv {
namespace {
constexpr std::size_t kInitialCapacity = 1024;
}  // namespace

void Buffer::make_room(std::size_t n) {
  const std::size_t readable = readable_bytes();
  if (n > SIZE_MAX - readable) throw std::bad_alloc();
  const std::size_t needed = readable + n;
  if (needed <= capacity_) {
    // Enough room once the consumed prefix is reclaimed.
    std::memmove(storage_.get(), storage_.get() + read_index_, readable);
  } else {
    std::size_t grown = std::max(kInitialCapacity, capacity_);
    while (grown < needed) {
      grown = grown > SIZE_MAX / 2 ? needed : grown * 2;
    }
    auto storage = std::make_unique_for_overwrite<std::uint8_t[]>(grown);
    if (readable > 0) std::memcpy(storage.get(), storage_.get() + read_index_, readable);
    storage_ = std::move(storage);
    capacity_ = grown;
  }
  read_index_ = 0;
  write_index_ = readable;
}

void Buffer::append(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  ensure_writable(bytes.size());
  std::memcpy(write_ptr(), bytes.data(), bytes.size());
  commit(bytes.size());
}

void Buffer::append(std::string_view bytes) {
  append(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

void Buffer::release_if_empty() {
  if (!empty()) return;
  storage_.reset();
  capacity_ = read_index_ = write_index_ = 0;
}

}  // namespace kv
