// A small blocking KV client written separately from client/, correct
// except for one deliberate flaw (client_flaw.h). It runs the commands of
// the adapter contract directly, so that broken_client_adapter is a thin
// main() around it.
//
// Without a flaw it behaves as SPEC 13 requires: it frames requests with
// the codec, reads responses with a framer of its own (LEN checked from
// the header, footer checked, body parsed with protobuf), and judges each
// answer like the reference client.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "client/adapter/adapter_protocol.h"
#include "codec/message.h"
#include "net/endpoint.h"
#include "net/socket_io.h"
#include "net/unique_fd.h"
#include "tests/client/client_flaw.h"

namespace kv {

class FlawedClient {
 public:
  FlawedClient(ClientFlaw flaw, Endpoint server, std::chrono::milliseconds timeout,
               std::uint32_t max_frame_len);

  AdapterResult run(const AdapterCommand& command);

 private:
  // One response, or the error class that stopped it.
  struct Response {
    Message message;
    std::string body;   // The raw body of a response.
    std::string error;  // Empty for a response.
  };

  std::string connect();
  std::vector<AdapterResult> exchange(const std::vector<AdapterRequest>& requests);
  Response read_response(net::Deadline deadline);
  // Appends what the socket holds to input_, waiting until `deadline`.
  // Returns "" when bytes arrived or the stream ended (ended_, reset_ set),
  // otherwise the error class.
  std::string fill(net::Deadline deadline);
  // Cuts the next frame's body out of input_, or says why not: "" and
  // `complete` false when more bytes are needed.
  std::string next_body(std::string& body, bool& complete);
  std::string parse_body(const std::string& body, Message& message) const;
  // The body parsed from the fields scan_fields() sees, the last
  // occurrence of each winning; true if the whole body scanned.
  bool scan_message(const std::string& body, Message& message) const;
  AdapterResult judge(const AdapterRequest& request, const Response& response) const;
  // The value of a hit as the flaw reads it.
  std::string read_value(std::string value) const;
  bool same_key(const std::string& response_key, const std::string& request_key) const;
  // Whether the connection stays in use after `error`, which ends it.
  bool keeps_connection_after(const std::string& error) const;
  net::Deadline deadline() const;

  ClientFlaw flaw_;
  Endpoint server_;
  std::chrono::milliseconds timeout_;
  std::uint32_t max_frame_len_;
  net::UniqueFd socket_;
  std::string input_;
  // The frame next_body() cut out last, header to footer.
  std::string last_frame_;
  // Footer bytes still to skip before the next frame (footer-not-awaited).
  std::size_t pending_footer_ = 0;
  bool ended_ = false;
  bool reset_ = false;
};

}  // namespace kv
