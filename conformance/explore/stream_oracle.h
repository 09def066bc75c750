// The explore oracle for byte streams: judges what a server wrote on each
// connection against what its client wrote, with the spec model
// (spec_model.h). The network executor (program_executor.h) knows the
// requests it generated; a driver that only has bytes (the in-process fuzz
// target, fuzz/server_sim_fuzzer.cc) decodes the client's stream with the
// codec's decoder, the reference, and this class derives every
// expectation from it:
//
//  * a whole frame is a request whose response is due, in order (5.7):
//    judged by SpecModel::judge, and recorded in its key's history;
//  * a bad body is answered with the error response (6.4); and since a
//    rejected request has no effect however much of it parsed, every PUT
//    that a prefix of its body (cut at a field boundary) makes is
//    forbidden (SpecModel::forbid), as is the PUT in a frame with a bad
//    footer (6.2) and the PUT in a frame cut by the end of the stream (6.5);
//  * after a framing error, the frames before it are answered, then at
//    most one error response, then the server closes (6.1, 6.3);
//  * after the client's FIN, every whole request is answered, then the
//    server closes (8.2);
//  * a server that closes a connection for any other reason, or writes a
//    response no request asked for, or a stream that does not decode, fails.
//
// No timing is judged: the driver decides when the server reads and when
// the client reads. The oracle does no I/O.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codec/frame_decoder.h"
#include "conformance/explore/spec_model.h"

namespace kv {

class StreamOracle {
 public:
  // `model` must outlive the oracle; `max_frame_len` is the server's.
  StreamOracle(SpecModel& model, std::uint32_t max_frame_len);

  // The client opened connection `conn` (any number, unique per oracle).
  void opened(int conn);
  // The client wrote `bytes` on `conn` at `now_ms`.
  void client_wrote(int conn, std::span<const std::uint8_t> bytes, double now_ms);
  // The client shut down its sending side (FIN) after what it wrote.
  void client_half_closed(int conn, double now_ms);
  // The client closed or reset `conn` and reads nothing more: its PUTs
  // still unanswered may or may not have taken effect.
  void client_abandoned(int conn);
  // The client read `bytes` of what the server wrote on `conn`, at `now_ms`.
  void server_wrote(int conn, std::span<const std::uint8_t> bytes, double now_ms);
  // The server ended `conn` (FIN or close) after everything it wrote.
  void server_closed(int conn, double now_ms);

  // Whether `conn` still expects something from the server: a response,
  // or the close that must follow a framing error or the client's FIN.
  bool awaits_server(int conn) const;

  // The first failure seen, if any; once set, later calls judge nothing.
  const std::optional<ExploreFailure>& failure() const { return failure_; }

  // The step number failures are reported at (the driver's operation).
  void set_step(int step) { step_ = step; }

 private:
  enum class End { kOpen, kFramingError, kHalfClosed };
  struct Conn {
    explicit Conn(std::uint32_t max_frame_len) : requests(DecoderOptions{max_frame_len}),
                                                 responses(DecoderOptions{kMaxConfigurableFrameLen}) {}
    FrameDecoder requests;
    FrameDecoder responses;
    std::string sent;  // The client's bytes from the first undecoded frame on.
    std::uint64_t sent_offset = 0;  // The stream offset of sent[0].
    std::string received;  // The server's bytes from the first undecoded response on.
    std::uint64_t received_offset = 0;
    std::deque<Expectation> due;
    End end = End::kOpen;
    bool error_frame_seen = false;
    bool server_ended = false;
    bool abandoned = false;
  };

  Conn* find(int conn);
  void decode_requests(Conn& c, int id, double now_ms);
  void forbid_put_prefixes(std::span<const std::uint8_t> body, const std::string& rule);
  void fail(std::string rule, std::string expected, std::string observed);

  SpecModel& model_;
  std::uint32_t max_frame_len_;
  std::map<int, Conn> conns_;
  std::optional<ExploreFailure> failure_;
  int step_ = -1;
};

}  // namespace kv
