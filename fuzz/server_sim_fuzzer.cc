// libFuzzer target: the kit's servers in-process (kv_server_sim.h: the
// connection state machine and the store every model shares, without
// sockets), driven by the fuzzer's bytes on several simulated connections
// (sim_driver.h) and judged by explore's spec model. A correct server
// never fails; any failure is printed with the operations that led to it,
// and aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fuzz/kv_server_sim.h"
#include "fuzz/sim_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kv::SimResult result =
      kv::run_simulation({data, size}, [](std::uint32_t max_frame_len) {
        return std::make_unique<kv::KvServerSim>(max_frame_len);
      });
  if (result.failure) {
    std::fprintf(stderr, "server_sim_fuzzer: the server %s", kv::describe_simulation(result).c_str());
    std::abort();
  }
  return 0;
}
