// The keys and values kvbench sends, and which connection owns which key.
//
// Key i of the keyspace is the decimal number first_key + i, left-padded
// with 'k' to the key size (first_key lets runs that share a server use
// disjoint keys). Every value is filler bytes whose first bytes carry a stamp: a
// number unique to one PUT, written as fixed-width base-32 digits (as many
// as fit in the value). Connection c of C owns the keys i with i % C == c
// and is the only one to write them, so it always knows the value a GET of
// one of its keys must return.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace kv {

struct WorkloadShape {
  std::size_t key_size = 16;
  std::size_t value_size = 100;
  std::uint64_t keyspace = 10000;
  std::uint64_t first_key = 0;
};

// An error message if `shape` cannot be used with `connections`
// connections (keys too short for the keyspace, fewer keys than
// connections), or an empty string.
std::string check_workload_shape(const WorkloadShape& shape, std::uint64_t connections);

// The key numbered `number`. Requires key_size to hold its digits.
std::string make_key(std::uint64_t number, std::size_t key_size);

// A value of `value_size` bytes carrying stamp 0.
std::string make_filler_value(std::size_t value_size);

// Writes `stamp` into the stamp digits at the start of `value`.
void write_stamp(std::uint64_t stamp, std::span<std::uint8_t> value);

// True if `value` is exactly the value with stamp `stamp`: the right size,
// the stamp digits, then the filler.
bool value_has_stamp(std::string_view value, std::uint64_t stamp, std::size_t value_size);

// Share `index` of `total` split as evenly as possible into `count` shares
// (the first total % count shares get one more). Requires count > 0.
// Connection c of C owns fair_share(keyspace, c, C) keys; worker t of T
// sends fair_share(requests, t, T) requests.
std::uint64_t fair_share(std::uint64_t total, std::uint64_t index, std::uint64_t count);

// The keyspace index of the `slot`-th key owned by `connection`.
inline std::uint64_t owned_key_index(std::uint64_t slot, std::uint64_t connection,
                                     std::uint64_t connections) {
  return slot * connections + connection;
}

}  // namespace kv
