// The scripted server's side of a client program: the spec's model of the
// store, and for each request and its ServerAnswer the bytes the server
// sends, how it ends them, and the result a conforming client reports
// (the oracle of client exploration).
#pragma once

#include <map>
#include <string>

#include "client/adapter/adapter_protocol.h"
#include "codec/message.h"
#include "conformance/client/client_program.h"
#include "conformance/client/result_pattern.h"

namespace kv {

// The store a correct server would hold: a PUT answered by the model
// stores its value (SPEC 5.1); a GET is a hit or a miss from it (5.2, 5.3).
using ModelStore = std::map<std::string, std::string>;

// What the server does for one request.
struct AnswerPlan {
  // Written as part of the step's answers.
  std::string bytes;
  // For the faults of 13.10: the rest of the answer, written after the
  // client reported its result, so that a client that keeps the
  // connection stays in step (SPEC 13.13).
  std::string late;
  enum class End { kNone, kClose, kReset };
  End end = End::kNone;  // After `bytes`: FIN or RST.
  // `bytes` are dripped over three client timeouts (13.10).
  bool drip = false;
  // Later answers of the step are not sent with this one.
  bool ends_stream = false;
  // A framing error: the client must stop using the connection (13.6).
  bool framing_error = false;
  // The result a conforming client reports for this request.
  ResultPattern want;
  // The message of the model's answer, for the step's stale frames.
  Message model_answer;
};

// Plans the answer to `request` (the model store is updated for a PUT
// the model answers). `max_frame_bytes` is the client's maximum LEN;
// `stale` is the frame a leftover appends after a framing error.
AnswerPlan plan_answer(const AdapterRequest& request, const ServerAnswer& answer, ModelStore& store,
                       std::uint32_t max_frame_bytes, const std::string& stale);

// The value that makes a hit for `key` exactly `len` bytes of LEN, or ""
// if none does.
std::string fill_value(const std::string& key, std::uint32_t len);

}  // namespace kv
