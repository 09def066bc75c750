#include "tools/kvbench/workload.h"

#include <algorithm>

namespace kv {
namespace {

constexpr std::size_t kMaxStampDigits = 13;  // 13 base-32 digits hold 65 bits.
constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuv";
constexpr char kFiller = 'x';

std::size_t decimal_digits(std::uint64_t value) {
  std::size_t digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

// How many stamp digits a value of `value_size` bytes carries.
std::size_t stamp_digits(std::size_t value_size) {
  return std::min(value_size, kMaxStampDigits);
}

}  // namespace

std::string check_workload_shape(const WorkloadShape& shape, std::uint64_t connections) {
  if (shape.keyspace == 0) return "--keyspace must be at least 1";
  if (shape.first_key > UINT64_MAX - shape.keyspace) return "--first-key is too large";
  const std::size_t needed = decimal_digits(shape.first_key + shape.keyspace - 1);
  if (shape.key_size < needed) {
    return "--key-size " + std::to_string(shape.key_size) + " cannot hold key number " +
           std::to_string(shape.first_key + shape.keyspace - 1) + " (needs " +
           std::to_string(needed) + " bytes)";
  }
  if (shape.keyspace < connections) {
    return "--keyspace (" + std::to_string(shape.keyspace) + ") must be at least --connections (" +
           std::to_string(connections) + "): each connection owns its own keys";
  }
  return {};
}

std::string make_key(std::uint64_t number, std::size_t key_size) {
  std::string key(key_size, 'k');
  for (std::size_t i = key_size; i > 0; --i) {
    key[i - 1] = static_cast<char>('0' + number % 10);
    number /= 10;
    if (number == 0) break;
  }
  return key;
}

std::string make_filler_value(std::size_t value_size) {
  std::string value(value_size, kFiller);
  write_stamp(0, std::span(reinterpret_cast<std::uint8_t*>(value.data()), value.size()));
  return value;
}

void write_stamp(std::uint64_t stamp, std::span<std::uint8_t> value) {
  const std::size_t digits = stamp_digits(value.size());
  for (std::size_t i = digits; i > 0; --i) {
    value[i - 1] = static_cast<std::uint8_t>(kDigits[stamp % 32]);
    stamp /= 32;
  }
}

bool value_has_stamp(std::string_view value, std::uint64_t stamp, std::size_t value_size) {
  if (value.size() != value_size) return false;
  const std::size_t digits = stamp_digits(value_size);
  for (std::size_t i = digits; i > 0; --i) {
    if (value[i - 1] != kDigits[stamp % 32]) return false;
    stamp /= 32;
  }
  return std::all_of(value.begin() + static_cast<std::ptrdiff_t>(digits), value.end(),
                     [](char c) { return c == kFiller; });
}

std::uint64_t fair_share(std::uint64_t total, std::uint64_t index, std::uint64_t count) {
  return total / count + (index < total % count ? 1 : 0);
}

}  // namespace kv
