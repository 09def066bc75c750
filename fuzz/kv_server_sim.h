// The kit's servers in-process: servers/connection.h (the state machine
// every model shares) over one servers/store.h, driven the way the models
// drive it (servers/nonblocking_session.cc) but with the simulation's
// reads, writes and clock instead of sockets. The idle timeout is off: the
// simulation judges no timing.
#pragma once

#include <map>
#include <memory>

#include "fuzz/sim_server.h"
#include "servers/connection.h"
#include "servers/request_handler.h"
#include "servers/store.h"

namespace kv {

class KvServerSim : public SimServer {
 public:
  explicit KvServerSim(std::uint32_t max_frame_len);

  int accept(TimePoint now) override;
  std::size_t read(int conn, std::span<const std::uint8_t> bytes, TimePoint now) override;
  bool read_eof(int conn, TimePoint now) override;
  std::string write(int conn, std::size_t max, TimePoint now) override;
  std::size_t unsent(int conn) const override;
  bool ended(int conn, TimePoint now) override;
  void reset(int conn) override;
  void tick(TimePoint now) override;

 private:
  struct Open {
    std::unique_ptr<Connection> state;
    bool write_shut = false;
  };
  Open* find(int conn);
  // Shuts the write side once the connection asks and its output is out.
  void settle(Open& open, TimePoint now);

  Store store_;
  RequestHandler handler_{store_};
  ConnectionOptions options_;
  std::map<int, Open> open_;
  int next_ = 1;
};

}  // namespace kv
