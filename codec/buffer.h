// A byte buffer with separate read and write indices, in the manner of
// muduo's Buffer:
//
//   +-------------------+------------------+------------------+
//   |  consumed bytes   |  readable bytes  |  writable bytes  |
//   +-------------------+------------------+------------------+
//   0            read_index        write_index           capacity
//
// Producers write at the end (ensure_writable + write_ptr + commit, or
// append); consumers read from the front (readable + consume). Storage
// grows geometrically and is compacted before it grows, so a buffer that is
// drained as fast as it is filled stays small. Storage is never zeroed.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

namespace kv {

class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  // A moved-from buffer is empty and holds no storage.
  Buffer(Buffer&& other) noexcept
      : storage_(std::move(other.storage_)),
        capacity_(std::exchange(other.capacity_, 0)),
        read_index_(std::exchange(other.read_index_, 0)),
        write_index_(std::exchange(other.write_index_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    storage_ = std::move(other.storage_);
    capacity_ = std::exchange(other.capacity_, 0);
    read_index_ = std::exchange(other.read_index_, 0);
    write_index_ = std::exchange(other.write_index_, 0);
    return *this;
  }

  std::size_t readable_bytes() const { return write_index_ - read_index_; }
  std::size_t writable_bytes() const { return capacity_ - write_index_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return readable_bytes() == 0; }

  // The readable bytes. The span is invalidated by any non-const call.
  std::span<const std::uint8_t> readable() const {
    return {storage_.get() + read_index_, readable_bytes()};
  }
  const std::uint8_t* peek() const { return storage_.get() + read_index_; }

  // Drops the first `n` readable bytes. Requires n <= readable_bytes().
  // Inline, like commit() and ensure_writable()'s fast path: the codec
  // calls them once per frame and they cost a few instructions each.
  void consume(std::size_t n) {
    assert(n <= readable_bytes());
    read_index_ += n;
    if (read_index_ == write_index_) read_index_ = write_index_ = 0;
  }
  void consume_all() { read_index_ = write_index_ = 0; }

  // Makes at least `n` bytes writable, compacting or growing the storage.
  // Invalidates pointers and spans previously taken from this buffer.
  void ensure_writable(std::size_t n) {
    if (writable_bytes() < n) make_room(n);
  }
  // Where the next byte will be written; valid for writable_bytes() bytes.
  std::uint8_t* write_ptr() { return storage_.get() + write_index_; }
  std::span<std::uint8_t> writable() { return {write_ptr(), writable_bytes()}; }
  // Marks `n` bytes at write_ptr() as written. Requires n <= writable_bytes().
  void commit(std::size_t n) {
    assert(n <= writable_bytes());
    write_index_ += n;
  }

  void append(std::span<const std::uint8_t> bytes);
  void append(std::string_view bytes);

  // Frees the storage if nothing is readable, so that an idle owner holds
  // no heap memory. Invalidates pointers taken from this buffer.
  void release_if_empty();

 private:
  // The slow path of ensure_writable(): compacts or grows the storage.
  void make_room(std::size_t n);

  std::unique_ptr<std::uint8_t[]> storage_;
  std::size_t capacity_ = 0;
  std::size_t read_index_ = 0;
  std::size_t write_index_ = 0;
};

}  // namespace kv
