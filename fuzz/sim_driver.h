// The simulation fuzz targets' driver: turns fuzzer bytes into what a few
// clients do to an in-process server (sim_server.h) and has every byte the
// server writes judged by explore's oracle (conformance/explore/
// stream_oracle.h over spec_model.h), the same model kvconform --explore
// judges a live server by. One oracle, two drivers.
//
// The input picks the server's maximum LEN and the room in each socket's
// send buffer, then up to kMaxOperations operations on up to four
// connection slots: open, write raw bytes, write requests (PUT, GET, other
// kinds, bad bodies, framing errors; keys and values from edge families;
// every body form of SPEC 4.2 and 4.5), let the server read N bytes, let
// the client read N bytes, half-close, close, reset, let time pass, or
// pump every connection. Afterwards every connection is half-closed and
// drained, every key the clients wrote is read back on a fresh connection,
// and every key's history is checked for linearizability (SPEC 10.1).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conformance/explore/spec_model.h"
#include "fuzz/sim_server.h"

namespace kv {

inline constexpr int kMaxOperations = 200;

using SimServerFactory = std::function<std::unique_ptr<SimServer>(std::uint32_t max_frame_len)>;

struct SimResult {
  std::optional<ExploreFailure> failure;
  // The operations run, one line each, for people reading a failure.
  std::vector<std::string> log;
};

// Runs one input against a server made by `make`.
SimResult run_simulation(std::span<const std::uint8_t> data, const SimServerFactory& make);

// The failure and the operations that led to it, for a crash report.
std::string describe_simulation(const SimResult& result);

}  // namespace kv
