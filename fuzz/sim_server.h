// A server run in-process, without sockets, for the simulation fuzz
// targets (sim_driver.h): the driver plays the kernel between clients and
// the server, handing it the bytes clients wrote in reads of the sizes the
// fuzzer picks, telling it when a client's stream ended or was reset, and
// taking what it writes. Two implementations: the kit's own server code
// (kv_server_sim.h: servers/connection.h over servers/store.h) and the
// deliberately broken server (broken_server_sim.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kv {

class SimServer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~SimServer() = default;

  // Accepts a new connection; returns its number.
  virtual int accept(TimePoint now) = 0;
  // The server reads from `conn`, at most `bytes.size()` bytes, in one
  // read; returns how many it took (0 while it does not read, e.g. under
  // backpressure).
  virtual std::size_t read(int conn, std::span<const std::uint8_t> bytes, TimePoint now) = 0;
  // A read of `conn` finds the end of the stream (the client's FIN); false
  // if the server does not read now (it is then offered again later).
  virtual bool read_eof(int conn, TimePoint now) = 0;
  // Up to `max` bytes the server writes to `conn` now, in order.
  virtual std::string write(int conn, std::size_t max, TimePoint now) = 0;
  // The bytes the server has for `conn` that write() has not taken yet.
  virtual std::size_t unsent(int conn) const = 0;
  // True once the server has ended `conn` (a FIN after the bytes write()
  // returned, or a close): it writes nothing more on it.
  virtual bool ended(int conn, TimePoint now) = 0;
  // The client reset `conn`: the server drops it and whatever it held.
  virtual void reset(int conn) = 0;
  // Time passes (timers, pauses for the memory budget).
  virtual void tick(TimePoint now) = 0;
};

}  // namespace kv
