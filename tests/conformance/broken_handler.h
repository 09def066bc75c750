// Turns one decoded request into one response (SPEC 5), with the semantic
// flaws of broken_kvserver. One handler serves one connection.
#pragma once

#include <map>
#include <string>

#include "broken_store.h"
#include "codec/message.h"
#include "flaw.h"

namespace kv {

// What the connection does after a request: answer it, or close without
// answering (the close-on-unknown-kind and ignore-bad-body-close flaws).
// kAnswer: send the response, go on. kClose: close without it.
// kAnswerThenClose: send the response, then close.
enum class Disposition { kAnswer, kClose, kAnswerThenClose };

struct HandlerReply {
  Disposition disposition = Disposition::kAnswer;
  Message response;
};

class BrokenHandler {
 public:
  BrokenHandler(BrokenStore& store, Flaw flaw) : store_(store), flaw_(flaw) {}

  // The reply to a well-framed, well-formed request.
  HandlerReply handle(const Message& request);

  // The reply to a well-framed body that does not parse (SPEC 6.4).
  HandlerReply handle_bad_body() const;

  // Applies a PUT found in the partial body of a truncated frame: the
  // apply-truncated flaw. Does nothing for any other request.
  void apply_partial(const Message& request);

  // Whether the next request is the first frame of its read (the
  // stale-pipelined-read flaw answers the others from its cache).
  void set_first_in_read(bool first) { first_in_read_ = first; }

 private:
  Message handle_put(const Message& request);
  Message handle_get(const Message& request);
  std::optional<std::string> lookup(const std::string& key);
  HandlerReply handle_other_kind(const Message& request);
  void store_value(const std::string& key, const std::string& value);
  // Whether a request is refused with NotOk by a semantic flaw.
  bool refuses(const Message& request) const;

  BrokenStore& store_;
  Flaw flaw_;
  // The values this connection has seen, under connection-read-cache only.
  std::map<std::string, std::string> read_cache_;
  bool first_in_read_ = true;
};

}  // namespace kv
