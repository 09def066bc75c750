#include "conformance/client/scripted_server.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "codec/frame_decoder.h"
#include "conformance/client/async_queue.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Keeps `fd` out of the adapters that other cases start meanwhile: a copy
// inherited by a child process would keep the connection open after the
// server closed or reset it, and the client would never see the end.
void close_on_exec(int fd) {
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct Connection {
  Connection(tcp::socket s, int n, std::uint32_t max_request_len)
      : socket(std::move(s)), id(n), decoder(DecoderOptions{max_request_len}) {}
  tcp::socket socket;
  int id;
  FrameDecoder decoder;
  bool client_closed = false;
  bool server_closed = false;
};

}  // namespace

struct ScriptedServer::Shared {
  Shared(asio::any_io_executor executor, WireLog& wire_log, std::uint32_t max_len)
      : acceptor(executor), requests(executor), log(&wire_log), max_request_len(max_len) {}

  tcp::acceptor acceptor;
  std::vector<std::shared_ptr<Connection>> connections;
  AsyncQueue<RequestEvent> requests;
  // Null once the case is over.
  WireLog* log;
  std::uint32_t max_request_len;
  // The port, kept while the server refuses connections.
  std::uint16_t port = 0;

  Connection* find(int conn) {
    if (conn < 1 || static_cast<std::size_t>(conn) > connections.size()) return nullptr;
    return connections[static_cast<std::size_t>(conn) - 1].get();
  }
};

namespace {

// Reads connection `c` until it ends, queueing every request it decodes.
asio::awaitable<void> read_requests(std::shared_ptr<ScriptedServer::Shared> shared,
                                    std::shared_ptr<Connection> c) {
  static constexpr std::size_t kReadChunk = 64 * 1024;
  for (;;) {
    Buffer& input = c->decoder.input();
    input.ensure_writable(kReadChunk);
    const auto [ec, n] =
        co_await c->socket.async_read_some(asio::buffer(input.write_ptr(), kReadChunk), kTuple);
    if (shared->log == nullptr || c->server_closed) co_return;
    if (n > 0) {
      shared->log->received(c->id, {input.write_ptr(), n});
      input.commit(n);
    }
    for (;;) {
      RequestEvent event;
      event.conn = c->id;
      const DecodeResult r = c->decoder.next(event.message);
      if (r.status == DecodeStatus::kNeedMore) break;
      if (r.status != DecodeStatus::kFrame) {
        event.kind = RequestEvent::Kind::kBadRequest;
        event.text = fmt::format("a request that is not a valid frame ({} at stream offset {})",
                                 frame_error_name(r.error), r.offset);
      } else {
        event.kind = RequestEvent::Kind::kRequest;
      }
      shared->requests.push(std::move(event));
      if (r.status == DecodeStatus::kFramingError) co_return;
    }
    if (ec) {
      c->client_closed = true;
      const bool reset = ec == asio::error::connection_reset;
      const bool eof = ec == asio::error::eof;
      shared->log->closed(c->id, reset ? "client reset the connection (RST)"
                                 : eof ? "client closed the connection (EOF)"
                                       : "receive failed: " + ec.message());
      co_return;
    }
  }
}

asio::awaitable<void> accept_connections(std::shared_ptr<ScriptedServer::Shared> shared) {
  for (;;) {
    auto [ec, socket] = co_await shared->acceptor.async_accept(kTuple);
    if (shared->log == nullptr || ec) co_return;
    close_on_exec(socket.native_handle());
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const int id = static_cast<int>(shared->connections.size()) + 1;
    auto c = std::make_shared<Connection>(std::move(socket), id, shared->max_request_len);
    shared->connections.push_back(c);
    shared->log->info(id, fmt::format("accepted a connection from port {}",
                                      c->socket.remote_endpoint(ignored).port()));
    asio::co_spawn(shared->acceptor.get_executor(), read_requests(shared, c), asio::detached);
  }
}

// Writes `bytes` to `c` in the planned pieces, logging each.
asio::awaitable<Check> write_planned(std::shared_ptr<ScriptedServer::Shared> shared,
                                     std::shared_ptr<Connection> c, std::string_view bytes,
                                     StreamShape shape) {
  const std::vector<std::size_t> sizes = plan_writes(shape, bytes.size());
  asio::steady_timer gap(c->socket.get_executor());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0 && shape.gap.count() > 0) {
      gap.expires_after(shape.gap);
      co_await gap.async_wait(kTuple);
    }
    if (shared->log == nullptr) co_return std::nullopt;
    const auto [ec, n] = co_await asio::async_write(
        c->socket, asio::buffer(bytes.data() + offset, sizes[i]), kTuple);
    if (shared->log == nullptr) co_return std::nullopt;
    shared->log->sent(c->id, {reinterpret_cast<const std::uint8_t*>(bytes.data()) + offset, n});
    offset += n;
    if (ec == asio::error::broken_pipe || ec == asio::error::connection_reset) {
      // The client gave up on the connection (after an error of its own,
      // or a crash): its result says whether that was right.
      shared->log->info(c->id, fmt::format("the client closed the connection after {} of {} "
                                           "bytes of the answer ({})",
                                           offset, bytes.size(), ec.message()));
      co_return std::nullopt;
    }
    if (ec) {
      shared->log->info(c->id, "send failed: " + ec.message());
      co_return error_verdict(
          fmt::format("the scripted server could not send its response ({} of {} bytes sent: {})",
                      offset, bytes.size(), ec.message()));
    }
  }
  co_return std::nullopt;
}

}  // namespace

ScriptedServer::ScriptedServer(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

ScriptedServer::~ScriptedServer() {
  stop();
}

std::unique_ptr<ScriptedServer> ScriptedServer::listen(asio::any_io_executor executor, WireLog& log,
                                                       std::uint32_t max_request_len,
                                                       std::string& error) {
  auto shared = std::make_shared<Shared>(executor, log, max_request_len);
  boost::system::error_code ec;
  const tcp::endpoint local(asio::ip::make_address_v4("127.0.0.1"), 0);
  shared->acceptor.open(local.protocol(), ec);
  if (!ec) close_on_exec(shared->acceptor.native_handle());
  // So that refuse_connections(false) can bind the port again while
  // connections accepted on it are still open.
  if (!ec) shared->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) shared->acceptor.bind(local, ec);
  if (!ec) shared->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "the scripted server cannot listen on 127.0.0.1: " + ec.message();
    return nullptr;
  }
  log.info(0, fmt::format("scripted server listening on 127.0.0.1:{}",
                          shared->acceptor.local_endpoint(ec).port()));
  asio::co_spawn(executor, accept_connections(shared), asio::detached);
  return std::unique_ptr<ScriptedServer>(new ScriptedServer(std::move(shared)));
}

std::uint16_t ScriptedServer::port() const {
  boost::system::error_code ec;
  return shared_->acceptor.local_endpoint(ec).port();
}

asio::awaitable<RequestEvent> ScriptedServer::next_request(std::chrono::milliseconds timeout) {
  std::optional<RequestEvent> event = co_await shared_->requests.pop(timeout);
  if (event) co_return std::move(*event);
  RequestEvent none;
  none.text = fmt::format("no request within {} ms", timeout.count());
  co_return none;
}

asio::awaitable<Check> ScriptedServer::send(int conn, std::string_view bytes,
                                            const StreamShape& shape,
                                            std::chrono::milliseconds timeout) {
  Connection* c = shared_->find(conn);
  if (c == nullptr || c->server_closed) {
    co_return error_verdict(fmt::format("harness bug: no open connection {}", conn));
  }
  asio::steady_timer deadline(co_await asio::this_coro::executor);
  deadline.expires_after(timeout);
  auto outcome = co_await (write_planned(shared_, shared_->connections[conn - 1], bytes, shape) ||
                           deadline.async_wait(kTuple));
  if (outcome.index() == 1) {
    co_return fail_verdict("the client reads the response",
                           fmt::format("the client did not read the {}-byte response within {} ms",
                                       bytes.size(), timeout.count()));
  }
  co_return std::get<0>(std::move(outcome));
}

void ScriptedServer::close(int conn) {
  Connection* c = shared_->find(conn);
  if (c == nullptr || c->server_closed) return;
  boost::system::error_code ignored;
  c->socket.shutdown(tcp::socket::shutdown_both, ignored);
  c->socket.close(ignored);
  c->server_closed = true;
  if (shared_->log != nullptr) shared_->log->closed(conn, "server closed the connection (FIN)");
}

void ScriptedServer::reset(int conn) {
  Connection* c = shared_->find(conn);
  if (c == nullptr || c->server_closed) return;
  boost::system::error_code ignored;
  c->socket.set_option(asio::socket_base::linger(true, 0), ignored);
  c->socket.close(ignored);
  c->server_closed = true;
  if (shared_->log != nullptr) shared_->log->closed(conn, "server reset the connection (RST)");
}

int ScriptedServer::connection_count() const {
  return static_cast<int>(shared_->connections.size());
}

std::string ScriptedServer::refuse_connections(bool refuse) {
  if (shared_->log == nullptr) return "the case is over";
  boost::system::error_code ec;
  if (refuse) {
    if (!shared_->acceptor.is_open()) return {};
    shared_->port = shared_->acceptor.local_endpoint(ec).port();
    shared_->acceptor.close(ec);
    shared_->log->info(0,
                       fmt::format("scripted server stopped listening on port {}", shared_->port));
    return {};
  }
  if (shared_->acceptor.is_open()) return {};
  const tcp::endpoint local(asio::ip::make_address_v4("127.0.0.1"), shared_->port);
  shared_->acceptor.open(local.protocol(), ec);
  if (!ec) close_on_exec(shared_->acceptor.native_handle());
  if (!ec) shared_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) shared_->acceptor.bind(local, ec);
  if (!ec) shared_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    shared_->acceptor.close(ignored);
    return fmt::format("the scripted server cannot listen on port {} again: {}", shared_->port,
                       ec.message());
  }
  shared_->log->info(0, fmt::format("scripted server listening on port {} again", shared_->port));
  asio::co_spawn(shared_->acceptor.get_executor(), accept_connections(shared_), asio::detached);
  return {};
}

bool ScriptedServer::client_closed(int conn) const {
  const Connection* c = shared_->find(conn);
  return c != nullptr && c->client_closed;
}

void ScriptedServer::stop() {
  if (shared_->log == nullptr) return;
  shared_->log = nullptr;
  boost::system::error_code ignored;
  shared_->acceptor.close(ignored);
  for (const auto& c : shared_->connections) {
    if (!c->server_closed) c->socket.close(ignored);
    c->server_closed = true;
  }
}

}  // namespace kv
