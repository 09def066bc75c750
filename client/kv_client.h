// The reference client library of the KV protocol: PUT and GET, one at a
// time or pipelined, each answered with a Reply that says what the server
// did or which error class (SPEC 13.13) stopped it.
//
//   kv::KvClient client(kv::Endpoint{"127.0.0.1", 7070}, {});
//   kv::Reply stored = client.put("k", "v");   // stored.outcome == kStored
//   kv::Reply hit = client.get("k");           // kFound, hit.value == "v"
//
// The client keeps one connection. It opens it when a request needs it and
// none is open, and closes it after an error that leaves the stream
// unusable (ends_connection() in client_error.h: framing errors,
// truncation, close, reset, timeout), so the next request starts on a new
// connection (SPEC 13.6). Every wait is bounded by the options' timeout:
// no call blocks forever (SPEC 13.10).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "client/client_error.h"
#include "client/frame_connection.h"
#include "codec/frame_format.h"
#include "codec/message.h"
#include "net/endpoint.h"

namespace kv {

struct ClientOptions {
  // The bound on connecting, on sending a request (or a whole pipeline),
  // and on waiting for each response.
  std::chrono::milliseconds timeout{5000};
  // The largest response LEN accepted (SPEC 3.1); larger is
  // length-too-large (SPEC 13.5).
  std::uint32_t max_frame_len = kDefaultMaxFrameLen;
};

enum class Outcome { kStored, kFound, kNotFound, kError };

struct Reply {
  Outcome outcome = Outcome::kError;
  // The value of a kFound reply.
  std::string value;
  // For kError: a ClientError.
  std::error_code error;
  // For kError: what happened, in words, for people.
  std::string detail;
};

// One request of a pipeline.
struct Request {
  enum class Op { kPut, kGet };
  Op op = Op::kGet;
  std::string key;
  std::string value;  // PUT only.
};

class KvClient {
 public:
  KvClient(Endpoint server, ClientOptions options);

  Reply put(std::string_view key, std::string_view value);
  Reply get(std::string_view key);

  // Sends every request before reading any response, then pairs the
  // responses with the requests in order (SPEC 8.1, 13.3). One reply per
  // request, in request order. After an error that ends the connection,
  // the requests still unanswered get that error too.
  std::vector<Reply> pipeline(std::span<const Request> requests);

  // Closes the connection; the next request opens a new one.
  void close() { connection_.close(); }

 private:
  // Opens the connection if none is open; false (with `failed` filled) if
  // that fails.
  bool ensure_connected(Reply& failed);
  // Receives the response to `request` and judges it.
  Reply receive_reply(const Request& request);
  // An error reply; closes the connection when the class ends it.
  Reply fail(ClientError error, std::string detail);

  Endpoint server_;
  ClientOptions options_;
  FrameConnection connection_;
};

// "PUT \"k\"" or "GET \"k\"", for messages.
std::string describe(const Request& request);

}  // namespace kv
