// The random choices of a program generator, server or client: program
// `index` of a run with seed `seed` draws from a stream of its own, so
// that the same seed and index always give the same program, whatever
// else ran before it.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace kv {

class Draws {
 public:
  // `salt` tells the generators apart, so that the server's and the
  // client's program `index` of one seed do not draw the same numbers.
  Draws(std::uint64_t seed, std::uint64_t index, std::uint64_t salt)
      : engine_(seed * 0x9E3779B97F4A7C15ULL + index * 1000003ULL + salt) {}

  // An integer in [lo, hi].
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  // True with probability `p`.
  bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  // One of `items`, which must not be empty.
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniform(0, static_cast<int>(items.size()) - 1))];
  }
  // The engine itself, for shuffles, seeds and other distributions.
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace kv
