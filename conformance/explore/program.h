// An explore program: the steps kvconform explore fires at a server,
// across a few connections. A program is plain data: the generator makes
// it, the executor runs it, the shrinker cuts it down and the script file
// stores it, so one program replays identically anywhere.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/wire/stream_shapes.h"

namespace kv {

// What a request entry of a send step puts on the wire.
enum class RequestOp {
  kPut,           // {key, value, kind 3}.
  kGet,           // {key, kind 1}; `value` and `status`, if set, must be ignored (SPEC 5.4).
  kOtherKind,     // {kind: `kind`}, a kind that is not a request (SPEC 5.6).
  kGarbageBody,   // A well-framed body that does not parse: `value` is the body (SPEC 4.4).
  kFramingError,  // A frame that breaks SPEC 2 or 3: see FramingClass.
  // The body of a PUT {key, value, kind 3}, whole and valid, then an
  // ending that makes the body unparseable (kSpoiledTails[`tail`]): a bad
  // body (SPEC 4.4, 6.4) whose valid fields come first. It must have no
  // effect on the store.
  kSpoiledPut,
};

// The endings of a kSpoiledPut body: each makes protobuf reject the body.
inline constexpr std::string_view kSpoiledTails[] = {
    std::string_view("\x0f", 1),              // A tag with wire type 7.
    std::string_view("\x12\x05" "ab", 4),       // A value field longer than the body.
    std::string_view("\x0a\x01\xff", 3),       // The key again, as invalid UTF-8.
    std::string_view("\x18", 1),              // A varint field with no value.
    std::string_view("\x20\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),  // An 11-byte varint.
};
inline constexpr std::uint32_t kSpoiledTailCount = std::size(kSpoiledTails);

// How a request's body is written. Every form but kCanonical is legal
// proto3 that a server must read like the canonical one (SPEC 4.2, 4.5).
enum class BodyForm {
  kCanonical,
  kUnknownFields,     // Unknown fields of every wire type around the known ones.
  kExplicitDefaults,  // Default-valued fields written out.
  kNonMinimalVarint,  // The kind as a non-minimal varint.
  kRepeatedFields,    // Key and kind written twice: the last occurrence wins.
  kReversedFields,    // The fields in reverse order: status, kind, value, key.
  kNonMinimalLengths, // Every tag and length as a non-minimal varint.
  kWrongWireTypes,    // Fields 1 to 4 first with another wire type (unknown, skipped).
  kUnknownGroup,      // An unknown group (wire types 3 and 4) holding fields 1 and 3.
};
inline constexpr int kBodyFormCount = static_cast<int>(BodyForm::kUnknownGroup) + 1;

// The framing errors of SPEC 6.6.
enum class FramingClass {
  kLengthTooSmall,  // LEN `len` in 0..4, then `value` bytes.
  kLengthTooLarge,  // LEN `len` above the maximum, then `value` bytes.
  kBadFooter,       // A PUT of key=value whose footer's last byte is wrong.
};

struct Request {
  RequestOp op = RequestOp::kGet;
  std::string key;           // Logical key: the run's private prefix goes before it.
  std::string value;         // See RequestOp.
  std::uint32_t kind = 0;    // kOtherKind.
  std::uint32_t status = 0;  // The status field sent (0 = left out).
  BodyForm form = BodyForm::kCanonical;
  FramingClass framing = FramingClass::kLengthTooSmall;  // kFramingError.
  std::uint32_t len = 0;                                 // kFramingError LEN.
  // The run's tag goes after the logical key instead of before it, so that
  // the key's first bytes are the logical key's (keys that start with
  // whitespace or a control character).
  bool tag_last = false;
  // kPut: when non-zero, the value is cut or padded with 'x' so that the
  // frame's LEN is exactly this (whatever the run's key prefix).
  std::uint32_t fill_len = 0;
  // kSpoiledPut: the index of its ending in kSpoiledTails.
  std::uint32_t tail = 0;
  // More than 1: the request is sent this many times, back to back, the
  // i-th with the key suffixed "#i" (a burst that stays cheap to store).
  std::uint32_t repeat = 1;
};

enum class StepAction {
  kSend,        // The requests, coalesced into one buffer, written in `shape`.
  kRead,        // Read every response due on the connection.
  kReadSlowly,  // The same, one response at a time, `ms` apart.
  // Read every response due, each within the response timeout even when
  // large values are about (concurrent profile; in the sequential profile
  // a plain read): used while another connection leaves megabytes of
  // responses unread, which must not delay this one (SPEC 11.4).
  kReadPromptly,
  kPause,       // Nothing for `ms` milliseconds.
  kHalfClose,   // Shut down the sending side (FIN); read what is due; expect a close.
  kClose,       // Close without reading what is due.
  kReset,       // Close with a reset (RST), dropping what is due.
  kChurn,       // Open `count` connections and end each as `churn_end` says.
  // Under --exec only: SIGTERM to the server, which must drain (SPEC
  // 12.5); with `ms` > 0, a second SIGTERM `ms` later if it still runs,
  // which must stop it within 1 s (12.6). With `count` > 0, an extra
  // connection first pipelines `count` GETs of a 64 KiB value and never
  // reads them, so that the drain cannot end by itself. The server is then
  // started again, empty: the step ends the program (later steps do not
  // run).
  kTerminate,
};

// How a churn step ends each of its short-lived connections (SPEC 7.5:
// however a connection ends, the server releases what it held).
enum class ChurnEnd {
  kFin,           // Closed (FIN) without sending a byte.
  kReset,         // Reset (RST) without sending a byte.
  kMidFrame,      // Closed (FIN) in the middle of a frame.
  kResetMidFrame, // Reset (RST) in the middle of a frame.
  kUnread,        // A request sent, the connection closed without reading the answer.
};

// How a send step's bytes are cut into writes: one of the stream shapes of
// stream_shapes.h, stored by its parameters.
struct WriteShape {
  ShapeKind kind = ShapeKind::kWhole;
  std::size_t cut = 0;         // kSplitAt: the offset of the second write.
  std::uint64_t seed = 0;      // kRandomChunks.
  std::size_t max_chunk = 64;  // kRandomChunks.
  int drip_ms = 50;            // kSlowDrip: the pause between bytes.

  static WriteShape whole() { return {}; }
  static WriteShape split_at(std::size_t cut) { return {ShapeKind::kSplitAt, cut}; }
  static WriteShape byte_by_byte() { return {ShapeKind::kByteByByte}; }
  static WriteShape random_chunks(std::uint64_t seed, std::size_t max_chunk) {
    return {ShapeKind::kRandomChunks, 0, seed, max_chunk};
  }
  static WriteShape slow_drip(int ms) { return {ShapeKind::kSlowDrip, 0, 0, 64, ms}; }
  // The stream shape that performs it.
  StreamShape stream_shape() const;
};

struct Step {
  StepAction action = StepAction::kSend;
  int conn = 0;  // Connection slot, 0-based.
  std::vector<Request> requests;
  WriteShape shape;
  // kSend: the last `hold` bytes are not sent now (a client that stalls in
  // the middle of its last frame). They go first in the connection's next
  // send; a close, reset or half-close drops them (a truncated frame).
  std::uint32_t hold = 0;
  int ms = 0;     // kPause, kReadSlowly, kTerminate.
  int count = 0;  // kChurn, kTerminate.
  ChurnEnd churn_end = ChurnEnd::kFin;  // kChurn.
};

struct Program {
  std::vector<Step> steps;
};

// Whether the program has a terminate step: it must run alone, since the
// server it stops is every program's.
bool stops_server(const Program& program);

// The names scripts (program_script.h) and statistics use for the enums
// above and for stream shapes: "put", "unknown-fields", "length-too-small",
// "read-slowly", "split".
std::string_view name_of(RequestOp op);
std::string_view name_of(BodyForm form);
std::string_view name_of(FramingClass framing);
std::string_view name_of(StepAction action);
std::string_view name_of(ShapeKind shape);
std::string_view name_of(ChurnEnd end);
// The inverses of name_of(): false, `out` unchanged, for an unknown name.
bool parse_name(std::string_view name, RequestOp& out);
bool parse_name(std::string_view name, BodyForm& out);
bool parse_name(std::string_view name, FramingClass& out);
bool parse_name(std::string_view name, StepAction& out);
bool parse_name(std::string_view name, ShapeKind& out);
bool parse_name(std::string_view name, ChurnEnd& out);

// The program as numbered lines for people: "3. c2 send [PUT "k" = "v",
// GET "k"] in one write".
std::vector<std::string> describe_program(const Program& program);
std::string describe_step(const Step& step);
std::string describe_request(const Request& request);

// The connection slots a program uses (request_encoding.h has its bytes).
std::size_t program_connections(const Program& program);

}  // namespace kv
