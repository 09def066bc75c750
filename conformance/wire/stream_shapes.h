// Stream shapers: how the bytes of a request stream are cut into writes
// (SPEC 2.5). A shape yields the sizes of successive writes and the pause
// between them; the session performs the writes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kv {

enum class ShapeKind {
  kWhole,         // One write.
  kSplitAt,       // Writes cut before each byte offset of `cuts`.
  kByteByByte,    // One write per byte.
  kRandomChunks,  // Seeded random write sizes (1..max_chunk bytes).
  kSlowDrip,      // One byte per write with `gap` between writes.
};

struct StreamShape {
  ShapeKind kind = ShapeKind::kWhole;
  std::vector<std::size_t> cuts;   // kSplitAt: increasing offsets.
  std::uint64_t seed = 0;          // kRandomChunks.
  std::size_t max_chunk = 64;      // kRandomChunks.
  // The pause between writes, so the pieces reach the server as separate
  // segments (TCP_NODELAY is set on every connection).
  std::chrono::milliseconds gap{0};

  static StreamShape whole();
  static StreamShape split_at(std::size_t offset);
  // Writes cut before each of the increasing `offsets`, 2 ms apart.
  static StreamShape cut_at(std::vector<std::size_t> offsets);
  static StreamShape byte_by_byte();
  static StreamShape random_chunks(std::uint64_t seed, std::size_t max_chunk);
  static StreamShape slow_drip(std::chrono::milliseconds interval);
};

// The sizes of the writes that send `total` bytes in this shape; they are
// all non-zero and sum to `total`.
std::vector<std::size_t> plan_writes(const StreamShape& shape, std::size_t total);

// A phrase for kvconform explain and logs, e.g. "split in two writes at offset 3".
std::string describe_shape(const StreamShape& shape);

// Many frames joined into one buffer, to be sent as one write (coalesced).
std::string coalesce(const std::vector<std::string>& frames);

}  // namespace kv
