#include "tools/kvbench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kv {
namespace {

// log2(kSubBuckets): values with their top bit at kSubBucketBits + 1 or
// above are shifted so that kSubBucketBits + 1 significant bits remain.
constexpr unsigned kSubBucketBits = std::countr_zero(LatencyHistogram::kSubBuckets);

}  // namespace

std::size_t LatencyHistogram::bucket_index(std::uint64_t value) {
  if (value < kExactLimit) return static_cast<std::size_t>(value);
  const unsigned top_bit = 63U - static_cast<unsigned>(std::countl_zero(value));
  const unsigned shift = top_bit - kSubBucketBits;
  const std::uint64_t sub = (value >> shift) - kSubBuckets;  // In [0, kSubBuckets).
  return static_cast<std::size_t>(kExactLimit + (top_bit - kSubBucketBits - 1) * kSubBuckets + sub);
}

std::uint64_t LatencyHistogram::bucket_upper_bound(std::size_t index) {
  if (index < kExactLimit) return index;
  const std::size_t above = index - kExactLimit;
  const unsigned shift = static_cast<unsigned>(above / kSubBuckets) + 1U;
  const std::uint64_t sub = kSubBuckets + above % kSubBuckets;
  const std::uint64_t next_lower = (sub + 1) << shift;
  // The last bucket ends at UINT64_MAX; (sub + 1) << 63 would wrap to 0.
  return next_lower == 0 ? UINT64_MAX : next_lower - 1;
}

void LatencyHistogram::record(std::uint64_t value) {
  ++counts_[bucket_index(value)];
  ++count_;
  max_ = std::max(max_, value);
  min_ = std::min(min_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

std::uint64_t LatencyHistogram::value_at_quantile(double quantile) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(quantile, 0.0, 1.0);
  // The rank (1-based) of the value asked for; at least the first value.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_upper_bound(i), max_);
  }
  return max_;
}

}  // namespace kv
