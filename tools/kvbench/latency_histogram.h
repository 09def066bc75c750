// A log-bucketed latency histogram in the manner of HdrHistogram.
//
// Values (nanoseconds) below kExactLimit get a bucket each; larger values
// share buckets whose width is 1/kSubBuckets of their power of two, so any
// reported value is within 1/kSubBuckets (about 1.6 %) of the true one.
// Recording is O(1) and allocation-free; histograms merge by adding counts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kv {

class LatencyHistogram {
 public:
  // Sub-buckets per power of two above kExactLimit.
  static constexpr std::uint64_t kSubBuckets = 64;
  static constexpr std::uint64_t kExactLimit = 2 * kSubBuckets;
  static constexpr std::size_t kBucketCount = kExactLimit + (64 - 7) * kSubBuckets;

  void record(std::uint64_t value);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // The largest and smallest recorded values, exactly; 0 when empty.
  std::uint64_t max() const { return max_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }

  // The smallest bucket bound B such that at least `quantile` (in [0, 1])
  // of the recorded values are <= B, capped at max(). 0 when empty.
  std::uint64_t value_at_quantile(double quantile) const;

  // The bucket that holds `value`, and the largest value in bucket `index`.
  static std::size_t bucket_index(std::uint64_t value);
  static std::uint64_t bucket_upper_bound(std::size_t index);

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = UINT64_MAX;
};

}  // namespace kv
