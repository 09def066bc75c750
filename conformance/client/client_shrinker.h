// Cuts a failing client program down to a small one that still fails the
// same way: removes chunks of steps (Zeller's ddmin), then requests from
// batches, then simplifies what is left (legal answers in place of
// misbehaviours, canonical forms, whole writes, no stale frames, short
// keys and values). Each candidate runs against a fresh adapter; the
// caller's predicate says whether it still fails. Bounded in time and in
// runs; only candidates the predicate confirmed are kept.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <vector>

#include "conformance/client/client_program.h"

namespace kv {

using ClientStillFails = std::function<boost::asio::awaitable<bool>(const ClientProgram&)>;

struct ClientShrinkStats {
  int runs = 0;
  int accepted = 0;
  bool out_of_budget = false;
};

boost::asio::awaitable<ClientProgram> shrink_client_program(ClientProgram failing,
                                                            const ClientStillFails& still_fails,
                                                            std::chrono::milliseconds budget,
                                                            int max_runs, ClientShrinkStats& stats);

}  // namespace kv
