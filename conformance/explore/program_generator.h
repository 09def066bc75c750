// Random explore programs, drawn from distributions that reach the edges
// of the spec: empty, NUL-bearing, long, Unicode and invalid UTF-8 keys
// and values, keys that collide after truncation or normalisation, values
// up to the frame maximum, every legal body form, every framing error,
// pipelines and bursts, stalls in mid-frame, half-closes, resets, pauses
// and slow reads, each write cut by one of the stream shapes.
#pragma once

#include <cstdint>

#include "conformance/explore/program.h"
#include "conformance/engine/run_options.h"

namespace kv {

struct GeneratorConfig {
  std::uint64_t seed = 0;
  int connections = 3;  // Connection slots per program.
  int max_steps = 30;
  Profile profile = Profile::kConcurrent;
  std::uint32_t max_frame_bytes = kDefaultMaxFrameLen;
  std::chrono::milliseconds drip_interval{50};
  // The idle timeout the server was started with (SPEC 9.1): the idle
  // probes pause for most of the part of it that 9.4 judges.
  std::chrono::milliseconds idle_timeout{10000};
  // kvconform started the server (--exec), so it can signal it: a program
  // may end with a terminate step (SPEC 12.5, 12.6).
  bool terminate = false;
};

// Program number `index` of the run with `config.seed`: the same seed and
// index always give the same program.
Program generate_program(const GeneratorConfig& config, std::uint64_t index);

}  // namespace kv
