// Random client programs: commands of the adapter contract with keys and
// values from the edge families of conformance/wire/edge_strings.h (and
// now and then a value that fills a response to the client's maximum
// LEN), answered in random legal forms and shapes (split, coalesced,
// byte by byte, slow, each at once), and now and then with one
// misbehaviour of each class of SPEC 13.5-13.10, a refused connection
// (13.11), stale bytes after a framing error or before a close (13.13).
#pragma once

#include <chrono>
#include <cstdint>

#include "codec/frame_format.h"
#include "conformance/client/client_program.h"

namespace kv {

struct ClientGeneratorConfig {
  std::uint64_t seed = 0;
  int max_steps = 12;
  // The client's timeout: slow answers stay well within it.
  std::chrono::milliseconds client_timeout{2000};
  std::uint32_t max_frame_bytes = kDefaultMaxFrameLen;
};

// Program number `index` of the run with `config.seed`: the same seed and
// index always give the same program.
ClientProgram generate_client_program(const ClientGeneratorConfig& config, std::uint64_t index);

}  // namespace kv
