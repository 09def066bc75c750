// broken_kvserver's flaws in-process, for measuring what the simulation
// fuzz target finds (broken_sim_fuzzer.cc): the frame sources
// (tests/conformance/frame_source.h), the request handler and the store
// (broken_handler.h, broken_store.h) of broken_kvserver, driven like its
// connections drive them (tests/conformance/connection.cc, on_bytes) but
// with the simulation's reads and writes instead of sockets. The flaws of
// the connection itself (timing, signals, socket handling, reordering)
// live in connection.cc and are not here: hosts_flaw() says which are.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "broken_handler.h"
#include "broken_store.h"
#include "flaw.h"
#include "frame_source.h"
#include "fuzz/sim_server.h"

namespace kv {

// Whether `flaw` lives in the parts this simulation runs.
bool hosts_flaw(Flaw flaw);

class BrokenServerSim : public SimServer {
 public:
  BrokenServerSim(Flaw flaw, std::uint32_t max_frame_len) : flaw_(flaw), max_(max_frame_len) {}

  int accept(TimePoint now) override;
  std::size_t read(int conn, std::span<const std::uint8_t> bytes, TimePoint now) override;
  bool read_eof(int conn, TimePoint now) override;
  std::string write(int conn, std::size_t max, TimePoint now) override;
  std::size_t unsent(int conn) const override;
  bool ended(int conn, TimePoint now) override;
  void reset(int conn) override;
  void tick(TimePoint) override {}

 private:
  struct Open {
    std::unique_ptr<FrameSource> source;
    std::unique_ptr<BrokenHandler> handler;
    std::string out;       // Written by the server, not yet taken.
    bool closing = false;  // The server ends the connection once `out` is taken.
  };

  Flaw flaw_;
  std::uint32_t max_;
  BrokenStore store_;
  std::map<int, Open> open_;
  int next_ = 1;
};

}  // namespace kv
