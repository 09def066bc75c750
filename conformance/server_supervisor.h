// The server under test in --exec mode: started with a free port
// substituted for {port}, watched for crashes, restarted, stopped.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/child_process.h"

namespace kv {

class ServerSupervisor {
 public:
  // `command` holds "{port}" one or more times.
  ServerSupervisor(std::string command, std::chrono::milliseconds start_timeout);
  ServerSupervisor(const ServerSupervisor&) = delete;
  ServerSupervisor& operator=(const ServerSupervisor&) = delete;
  ~ServerSupervisor();

  // Picks a free port (first start only), spawns the command and waits until
  // the port accepts connections. Returns an error message, or "".
  boost::asio::awaitable<std::string> start();
  // True once the process has exited; describes how in exit_description().
  bool exited();
  std::string exit_description() const;
  // Stops the process (SIGTERM, then SIGKILL).
  void stop();

  boost::asio::ip::tcp::endpoint endpoint() const;
  // The command with {port} substituted.
  const std::string& command_line() const { return command_line_; }

 private:
  void drain_stdout();

  std::string command_;
  std::string command_line_;
  std::chrono::milliseconds start_timeout_;
  std::uint16_t port_ = 0;
  ChildProcess child_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read
// it, close), or 0 on failure.
std::uint16_t pick_free_port();

}  // namespace kv
