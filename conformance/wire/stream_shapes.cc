#include "conformance/wire/stream_shapes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <random>

namespace kv {

StreamShape StreamShape::whole() { return {}; }

StreamShape StreamShape::split_at(std::size_t offset) {
  return cut_at({offset});
}

StreamShape StreamShape::cut_at(std::vector<std::size_t> offsets) {
  StreamShape shape;
  shape.kind = ShapeKind::kSplitAt;
  shape.cuts = std::move(offsets);
  shape.gap = std::chrono::milliseconds(2);
  return shape;
}

StreamShape StreamShape::byte_by_byte() {
  StreamShape shape;
  shape.kind = ShapeKind::kByteByByte;
  shape.gap = std::chrono::milliseconds(1);
  return shape;
}

StreamShape StreamShape::random_chunks(std::uint64_t seed, std::size_t max_chunk) {
  StreamShape shape;
  shape.kind = ShapeKind::kRandomChunks;
  shape.seed = seed;
  shape.max_chunk = std::max<std::size_t>(1, max_chunk);
  return shape;
}

StreamShape StreamShape::slow_drip(std::chrono::milliseconds interval) {
  StreamShape shape;
  shape.kind = ShapeKind::kSlowDrip;
  shape.gap = interval;
  return shape;
}

std::vector<std::size_t> plan_writes(const StreamShape& shape, std::size_t total) {
  std::vector<std::size_t> sizes;
  if (total == 0) return sizes;
  switch (shape.kind) {
    case ShapeKind::kWhole:
      sizes.push_back(total);
      break;
    case ShapeKind::kSplitAt: {
      std::size_t from = 0;
      for (const std::size_t cut : shape.cuts) {
        if (cut <= from || cut >= total) continue;
        sizes.push_back(cut - from);
        from = cut;
      }
      sizes.push_back(total - from);
      break;
    }
    case ShapeKind::kByteByByte:
    case ShapeKind::kSlowDrip:
      sizes.assign(total, 1);
      break;
    case ShapeKind::kRandomChunks: {
      std::mt19937_64 rng(shape.seed);
      std::uniform_int_distribution<std::size_t> pick(1, shape.max_chunk);
      for (std::size_t left = total; left > 0;) {
        const std::size_t n = std::min(left, pick(rng));
        sizes.push_back(n);
        left -= n;
      }
      break;
    }
  }
  return sizes;
}

std::string describe_shape(const StreamShape& shape) {
  switch (shape.kind) {
    case ShapeKind::kWhole: return "one write";
    case ShapeKind::kSplitAt:
      return fmt::format("{} writes cut before byte {}, {} ms apart", shape.cuts.size() + 1,
                         fmt::join(shape.cuts, ", "), shape.gap.count());
    case ShapeKind::kByteByByte:
      return fmt::format("one write per byte, {} ms apart", shape.gap.count());
    case ShapeKind::kRandomChunks:
      return fmt::format("writes of seeded random size 1..{} bytes (seed {})", shape.max_chunk,
                         shape.seed);
    case ShapeKind::kSlowDrip:
      return fmt::format("slow drip: one byte every {} ms", shape.gap.count());
  }
  return "?";
}

std::string coalesce(const std::vector<std::string>& frames) {
  std::string out;
  std::size_t total = 0;
  for (const std::string& f : frames) total += f.size();
  out.reserve(total);
  for (const std::string& f : frames) out += f;
  return out;
}

}  // namespace kv
