#include "conformance/server_supervisor.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kv {

namespace asio = boost::asio;
using asio::ip::tcp;

std::uint16_t pick_free_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(tcp::v4(), ec);
  if (!ec) acceptor.bind({asio::ip::address_v4::loopback(), 0}, ec);
  if (ec) return 0;
  const std::uint16_t port = acceptor.local_endpoint(ec).port();
  acceptor.close(ec);
  return ec ? 0 : port;
}

ServerSupervisor::ServerSupervisor(std::string command, std::chrono::milliseconds start_timeout)
    : command_(std::move(command)), start_timeout_(start_timeout) {}

ServerSupervisor::~ServerSupervisor() {
  stop();
}

tcp::endpoint ServerSupervisor::endpoint() const {
  return {asio::ip::address_v4::loopback(), port_};
}

void ServerSupervisor::drain_stdout() {
  // The child's stdout is a pipe to us: keep it from filling up.
  for (int i = 0; i < 10000 && child_.read_line(std::chrono::milliseconds(0)); ++i) {
  }
}

asio::awaitable<std::string> ServerSupervisor::start() {
  if (port_ == 0) port_ = pick_free_port();
  if (port_ == 0) co_return "could not find a free port on 127.0.0.1";
  command_line_ = command_;
  for (std::size_t at = command_line_.find("{port}"); at != std::string::npos;
       at = command_line_.find("{port}", at)) {
    command_line_.replace(at, 6, std::to_string(port_));
  }
  std::error_code spawn_error;
  child_ = ChildProcess::spawn_shell(command_line_, spawn_error);
  if (spawn_error)
    co_return fmt::format("cannot run '{}': {}", command_line_, spawn_error.message());

  const auto executor = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + start_timeout_;
  asio::steady_timer pause(executor);
  while (std::chrono::steady_clock::now() < deadline) {
    drain_stdout();
    if (!child_.running()) {
      co_return fmt::format("'{}' exited before accepting connections ({})", command_line_,
                            exit_description());
    }
    tcp::socket probe(executor);
    const auto [ec] = co_await probe.async_connect(endpoint(), asio::as_tuple(asio::use_awaitable));
    if (!ec) co_return std::string();
    pause.expires_after(std::chrono::milliseconds(50));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return fmt::format("'{}' did not accept connections on port {} within {} ms", command_line_,
                        port_, start_timeout_.count());
}

bool ServerSupervisor::exited() {
  drain_stdout();
  return !child_.running();
}

std::string ServerSupervisor::exit_description() const {
  const std::optional<int> status = child_.wait_status();
  if (!status) return "still running";
  if (WIFEXITED(*status)) return fmt::format("exited with status {}", WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return fmt::format("killed by signal {}", WTERMSIG(*status));
  return fmt::format("wait status {}", *status);
}

void ServerSupervisor::stop() {
  if (child_.pid() > 0 && child_.running()) child_.stop();
}

}  // namespace kv
