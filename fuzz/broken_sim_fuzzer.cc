// libFuzzer target for measurements, not for CI: server_sim_fuzzer's
// simulation (sim_driver.h) against broken_kvserver's frame sources,
// handler and store with one flaw (broken_server_sim.h), named by the
// environment variable KV_SIM_FLAW. It answers the question which flaws
// the in-process fuzz target finds within a fuzzing budget; `KV_SIM_FLAW=none`
// must find nothing. fuzz/measure-broken-sim runs it for every flaw.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "flaw.h"
#include "fuzz/broken_server_sim.h"
#include "fuzz/sim_driver.h"

namespace {

kv::Flaw flaw = kv::Flaw::kNone;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("KV_SIM_FLAW");
  const std::optional<kv::Flaw> chosen = kv::flaw_from_name(name != nullptr ? name : "none");
  if (!chosen || !kv::hosts_flaw(*chosen)) {
    std::fprintf(stderr, "broken_sim_fuzzer: KV_SIM_FLAW names no flaw this simulation hosts\n");
    std::exit(2);
  }
  flaw = *chosen;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kv::SimResult result = kv::run_simulation({data, size}, [](std::uint32_t max_frame_len) {
    return std::make_unique<kv::BrokenServerSim>(flaw, max_frame_len);
  });
  if (result.failure) {
    std::fprintf(stderr, "broken_sim_fuzzer: the server %s", kv::describe_simulation(result).c_str());
    std::abort();
  }
  return 0;
}
