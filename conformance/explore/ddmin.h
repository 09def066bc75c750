// Delta debugging over the steps of a failing program (Zeller's ddmin),
// shared by the shrinkers of server and client exploration: removes
// chunks of half the steps, then a quarter, ... down to single steps,
// keeping every removal after which the program still fails; the pass that
// removes the requests of a step one at a time; and the pass that
// simplifies each remaining step in turn.
#pragma once

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <utility>

namespace kv {

// `best` is the caller's smallest failing program so far. `try_candidate`
// runs a candidate (a Program, taken by value) and returns an awaitable
// bool: true when it still failed, and then the caller has made it the
// new `best`. `exhausted()` says when the shrinking budget is spent.
// Returns true if any step was removed.
template <typename Program, typename TryCandidate, typename Exhausted>
boost::asio::awaitable<bool> remove_step_chunks(const Program& best, TryCandidate try_candidate,
                                                Exhausted exhausted) {
  bool any = false;
  std::size_t chunk = std::max<std::size_t>(1, best.steps.size() / 2);
  while (!exhausted() && !best.steps.empty()) {
    bool removed = false;
    for (std::size_t start = 0; start < best.steps.size() && !exhausted();) {
      Program candidate = best;
      const std::size_t end = std::min(candidate.steps.size(), start + chunk);
      candidate.steps.erase(candidate.steps.begin() + static_cast<std::ptrdiff_t>(start),
                            candidate.steps.begin() + static_cast<std::ptrdiff_t>(end));
      if (co_await try_candidate(std::move(candidate))) {
        removed = any = true;
      } else {
        start += chunk;
      }
    }
    if (chunk == 1 && !removed) break;
    if (!removed) chunk = std::max<std::size_t>(1, chunk / 2);
  }
  co_return any;
}

// Removes the requests of each step of `best` one at a time, keeping every
// removal after which the program still fails; a step keeps its last
// request. `removable(step)` is the number of requests of a step (0 for a
// step that has none to remove); `erase(step, j)` removes its request j
// and whatever belongs to that request. `try_candidate` and `exhausted` as
// for remove_step_chunks(). Returns true if any request was removed.
template <typename Program, typename Removable, typename Erase, typename TryCandidate,
          typename Exhausted>
boost::asio::awaitable<bool> remove_requests_one_by_one(const Program& best, Removable removable,
                                                        Erase erase, TryCandidate try_candidate,
                                                        Exhausted exhausted) {
  bool any = false;
  for (std::size_t i = 0; i < best.steps.size() && !exhausted(); ++i) {
    for (std::size_t j = 0; i < best.steps.size() && removable(best.steps[i]) > 1 &&
                            j < removable(best.steps[i]) && !exhausted();) {
      Program candidate = best;
      erase(candidate.steps[i], j);
      if (co_await try_candidate(std::move(candidate))) {
        any = true;
      } else {
        ++j;
      }
    }
  }
  co_return any;
}

// Simplifies each step of `best` in turn: tries the simpler versions
// `simpler(step)` returns (a std::vector of steps), keeps the first that
// still fails, and starts again on the same step until none does.
// `try_candidate` and `exhausted` as for remove_step_chunks(). Returns
// true if any step was simplified.
template <typename Program, typename Simpler, typename TryCandidate, typename Exhausted>
boost::asio::awaitable<bool> simplify_each_step(const Program& best, Simpler simpler,
                                                TryCandidate try_candidate, Exhausted exhausted) {
  bool any = false;
  for (std::size_t i = 0; i < best.steps.size() && !exhausted(); ++i) {
    for (bool again = true; again && i < best.steps.size() && !exhausted();) {
      again = false;
      auto options = simpler(best.steps[i]);
      for (std::size_t k = 0; k < options.size(); ++k) {
        Program candidate = best;
        candidate.steps[i] = std::move(options[k]);
        if (co_await try_candidate(std::move(candidate))) {
          any = again = true;
          break;
        }
      }
    }
  }
  co_return any;
}

}  // namespace kv
