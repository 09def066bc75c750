// The server side of a client case: kvconform listens on 127.0.0.1, accepts
// every connection the client under test opens, decodes the requests it
// sends, and answers them as the case scripts it, byte by byte if need be
// (split, dripped, slow, malformed, cut short, reset). Every byte sent and
// received is recorded in the case's wire log, per connection.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/message.h"
#include "conformance/engine/case_result.h"
#include "conformance/wire/stream_shapes.h"
#include "conformance/wire/wire_log.h"

namespace kv {

// What waiting for the client's next request produced.
struct RequestEvent {
  enum class Kind {
    kRequest,     // A whole request frame; `message` holds it.
    kBadRequest,  // Bytes that are not a request frame; `text` says why.
    kTimeout,     // No request within the bound.
  };
  Kind kind = Kind::kTimeout;
  // The connection it came on, numbered from 1 in the order of accept.
  int conn = 0;
  Message message;
  std::string text;
};

class ScriptedServer {
 public:
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  // Listens on 127.0.0.1 (a free port) and starts accepting. Requests of
  // up to `max_request_len` bytes are decoded. Returns null with `error`
  // set if it cannot listen.
  static std::unique_ptr<ScriptedServer> listen(boost::asio::any_io_executor executor, WireLog& log,
                                                std::uint32_t max_request_len, std::string& error);

  std::uint16_t port() const;

  // The next request of any connection, waiting at most `timeout`.
  boost::asio::awaitable<RequestEvent> next_request(std::chrono::milliseconds timeout);

  // Sends `bytes` on connection `conn` as the writes `shape` plans. A
  // client that closes the connection meanwhile ends the sending quietly:
  // its result judges it. Returns a FAIL verdict if the writes take longer
  // than `timeout` (the client stopped reading), an ERROR one if they fail
  // otherwise.
  boost::asio::awaitable<Check> send(int conn, std::string_view bytes, const StreamShape& shape,
                                     std::chrono::milliseconds timeout);

  // Ends connection `conn`: close() sends a FIN (the client reads the end
  // of the stream) and stops reading; reset() sends an RST.
  void close(int conn);
  void reset(int conn);

  // True once the client closed connection `conn` (the server read EOF or
  // a reset on it).
  bool client_closed(int conn) const;

  // The connections accepted so far.
  int connection_count() const;

  // While `refuse` is true the server does not listen: a client that
  // connects is refused (SPEC 13.11). Listening again binds the same port;
  // returns "" or why it could not.
  std::string refuse_connections(bool refuse);

  // Stops accepting and closes every connection. Later log entries are
  // not written: the case is over.
  void stop();

  struct Shared;

 private:
  explicit ScriptedServer(std::shared_ptr<Shared> shared);

  std::shared_ptr<Shared> shared_;
};

}  // namespace kv
