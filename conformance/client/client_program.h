// A client program: what `kvconform client --explore` makes a client under
// test do, and how the scripted server answers it. Each step is one
// command of the adapter contract (put, get, batch, close) plus, for every
// request it sends, the server's answer: a legal one taken from the spec's
// model (written in one of the legal body forms, cut into writes in one of
// the stream shapes), or one misbehaviour of SPEC 13.5-13.10. A program is
// plain data: the generator makes it, the runner plays it, the shrinker
// cuts it down and the script file stores it, so that it replays anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/adapter/adapter_protocol.h"
#include "conformance/client/response_forms.h"

namespace kv {

// How the scripted server answers one request. kNone is the legal answer
// of the model (13.1-13.4, 13.8); the others break one rule each.
enum class Fault {
  kNone,
  // 13.5: LEN above the client's maximum. param 0: maximum + 1, header
  // only; 1: ff ff ff ff and two bytes; 2: 2^31 and two bytes.
  kLenAboveMax,
  // 13.6: LEN `param` (0 to 4), then five bytes.
  kLenBelowFive,
  // 13.6: the legal answer with footer byte `param` (0 to 4) changed.
  kBadFooter,
  // 13.7: a body that starts like the answer and breaks (malformed_body_tails()[param]).
  kMalformedBody,
  // 13.7: the answer with ill-formed UTF-8 (invalid_utf8_classes()[param / 2])
  // in its value (param even) or its key (param odd).
  kInvalidUtf8,
  // 13.8: an error response: param 0 {kind 0, NotOk}; 1 the empty body
  // (LEN 5); 2 status Ok with a key and a value; 3 status 7.
  kErrorResponse,
  // 13.8: the answer with kind `param` instead of its own.
  kWrongKind,
  // 13.8: a GET answered for lookalike_keys(key)[param] (modulo their number).
  kOtherKey,
  // 13.8: the answer with status `param` (an int32: 2, 7, -1, ...; for a
  // PUT also 1, NotOk).
  kBadStatus,
  // 13.9: FIN before the answer; FIN after `param` bytes of it (less than
  // all of it); RST before it; RST after `param` bytes.
  kCloseBefore,
  kTruncate,
  kResetBefore,
  kResetInside,
  // 13.10: no answer; the first `param` bytes, then nothing; the whole
  // answer dripped over three client timeouts. The rest follows late,
  // after the client reported its result.
  kSilence,
  kStall,
  kDripPastTimeout,
};

// How the answers of one step are cut into writes.
enum class AnswerShape {
  kWhole,         // One write per delivery.
  kSplit,         // Two writes, cut at a seeded offset.
  kByteByByte,    // One write per byte (small answers only).
  kRandomChunks,  // Seeded writes of 1 to `max_chunk` bytes.
  kSlow,          // Two writes with a pause of `pause_ms` (a fraction of the timeout) between.
};

struct ServerAnswer {
  Fault fault = Fault::kNone;
  std::int64_t param = 0;
  ResponseForm form = ResponseForm::kCanonical;
  // A framing error's write goes on with a well-formed frame that looks
  // like the next step's answer (SPEC 13.6, 13.13).
  bool leftover = false;
  // A GET hit of the model: its value replaced by a value of exactly this
  // LEN (13.5: the client's maximum, or just below).
  std::uint32_t fill_len = 0;
};

enum class StepOp { kPut, kGet, kBatch, kClose };

struct ClientStep {
  StepOp op = StepOp::kGet;
  std::vector<AdapterRequest> requests;  // One for put and get, any for batch, none for close.
  std::vector<ServerAnswer> answers;     // One per request.
  // True: each answer is written as soon as its request has been read;
  // false: all of them in one stream after the last request.
  bool each_at_once = false;
  AnswerShape shape = AnswerShape::kWhole;
  std::uint64_t shape_seed = 0;
  std::uint32_t max_chunk = 64;
  int pause_ms = 0;
  // After the answers, a frame nobody asked for (the next step is a close:
  // 13.13 says it must go with the connection).
  bool extra_frame = false;
  // The server refuses connections while this step runs (13.11): the
  // client has no connection open (the step before closed it).
  bool refuse = false;
};

struct ClientProgram {
  std::vector<ClientStep> steps;
};

std::string_view fault_name(Fault fault);
// The inverses of the name functions; false if `name` is not one.
bool fault_from_name(std::string_view name, Fault& fault);
bool answer_shape_from_name(std::string_view name, AnswerShape& shape);
bool step_op_from_name(std::string_view name, StepOp& op);
// The SPEC rule a fault breaks ("13.5" ... "13.10"); "" for kNone.
std::string_view fault_rule(Fault fault);
// True for the faults that end the response stream (the answers after
// them in a batch are not sent): framing errors, 13.9 and 13.10.
bool fault_ends_stream(Fault fault);
// True for the framing errors of 13.5 and 13.6, after which the client
// must stop using the connection.
bool fault_is_framing_error(Fault fault);
// True for the faults of 13.10.
bool fault_is_timeout(Fault fault);
std::string_view answer_shape_name(AnswerShape shape);
std::string_view step_op_name(StepOp op);

// The program as numbered lines for people: "3. batch [put "k" = "v",
// get "k"]; answers: stored (canonical), hit (groups); together, in
// random chunks of up to 16 bytes".
std::vector<std::string> describe_program(const ClientProgram& program);
std::string describe_step(const ClientStep& step);
std::string describe_answer(const ServerAnswer& answer);

// Size measures for reports and the shrinker.
std::size_t program_requests(const ClientProgram& program);
std::size_t program_faults(const ClientProgram& program);
// The bytes of the keys and values the program's requests carry.
std::uint64_t program_data_bytes(const ClientProgram& program);

}  // namespace kv
