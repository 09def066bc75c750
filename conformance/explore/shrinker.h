// Cuts a failing explore program down to a small one that still fails the
// same way, by delta debugging (Zeller's ddmin over the steps) followed by
// passes that drop connections and requests and simplify what is left:
// shorter keys and values, fewer repeats, plain writes, no pauses. Each
// candidate is run for real; the caller's predicate says whether it still
// fails.
//
// RapidCheck's shrinking needs a deterministic, synchronous property over
// one value; a candidate here is a network program whose run takes
// seconds and may be flaky, so the shrinker is its own: bounded in time
// and in runs, and it keeps only candidates the predicate confirmed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <vector>

#include "conformance/explore/program.h"

namespace kv {

// Runs `candidate`; true if it fails with the failure being shrunk.
using StillFails = std::function<boost::asio::awaitable<bool>(const Program& candidate)>;

struct ShrinkStats {
  int runs = 0;      // Candidates run.
  int accepted = 0;  // Candidates that failed and replaced the best so far.
  bool out_of_budget = false;
  // The accepted candidates in the order they were accepted, each smaller
  // than the one before (the last is the result). A candidate is accepted
  // on one failing run, so a flaky failure can make the last ones fail
  // only sometimes; the caller can then fall back along this path.
  std::vector<Program> path;
};

// Returns the smallest failing program found within `budget` and
// `max_runs` candidate runs. `failing` must fail.
boost::asio::awaitable<Program> shrink_program(Program failing, const StillFails& still_fails,
                                               std::chrono::milliseconds budget, int max_runs,
                                               ShrinkStats& stats);

// The program with its connection slots renumbered 0, 1, ... in order of
// first use.
Program compact_connections(Program program);

}  // namespace kv
