#include "conformance/engine/startup_probe.h"

#include <fmt/format.h>

#include <memory>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_context.h"
#include "conformance/engine/liveness.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/wire_session.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// The probe in progress: its log, and the first wrong answer it saw.
class Probe {
 public:
  Probe(const RunOptions& options, const std::string& key)
      : options_(options), key_(private_key(options, key)) {}

  // Connects connection `id`; on failure, `problem` says what happened.
  asio::awaitable<std::unique_ptr<WireSession>> connect(int id, std::string& problem) {
    ConnectResult result = co_await WireSession::connect(
        options_.endpoint, log_, id, options_.response_timeout(), options_.max_frame_bytes);
    if (!result.session) problem = result.error;
    co_return std::move(result.session);
  }

  // Sends `request` and reads one response. Returns false, with `problem`
  // set, if no response frame came; notes a wrong answer (`want`, under
  // `rule`) and returns true otherwise.
  asio::awaitable<bool> ask(WireSession& session, const Message& request, const Message& want,
                            const std::string& rule, std::string& problem) {
    // Under a maximum LEN too small for the request, only responsiveness
    // is probed, with the empty-body frame.
    const bool substituted = !frame_fits(request, options_.max_frame_bytes);
    if (Check sent = co_await session.send(frame_within(request, options_.max_frame_bytes),
                                           options_.response_timeout())) {
      problem = sent->observed;
      co_return false;
    }
    const ReadEvent event = co_await session.read_frame(options_.response_timeout());
    if (event.kind != ReadEventKind::kFrame && event.kind != ReadEventKind::kBadBody) {
      problem = describe_event(event);
      co_return false;
    }
    if (substituted) co_return true;
    if (!wrong_ && (event.kind != ReadEventKind::kFrame || !same_message(event.message, want))) {
      wrong_ =
          Finding{rule,
                  "the start-up probe was answered wrongly",
                  fmt::format("{} was answered with {}; expected {}", describe_message(request),
                              describe_event(event), describe_message(want)),
                  {}};
    }
    co_return true;
  }

  ProbeResult unresponsive(std::string title, const std::string& problem) {
    return {ProbeOutcome::kUnresponsive,
            Finding{kLivenessRule, std::move(title), "seen: " + problem, log_.entries()}};
  }

  ProbeResult finish() {
    if (!wrong_) return {};
    wrong_->wire_log = log_.entries();
    return {ProbeOutcome::kWrongAnswers, wrong_};
  }

  // Leaves `session` as a client that is done does: shuts down the sending
  // side (FIN) and waits, at most one response timeout, for the server to
  // close its side, which SPEC 8.2 obliges it to do once it has answered
  // everything. The next connection then reaches a server that has seen
  // this client leave, whatever the scheduling of its threads: without the
  // wait, a server that hangs on a client's close could answer the next
  // connection first and pass the probe under load, but not on an idle
  // machine. A server that does not close in time is judged by the 8.2
  // cases; the probe goes on.
  asio::awaitable<void> leave(WireSession& session) {
    session.shutdown_send();
    co_await session.read_frame(options_.response_timeout());
    session.close();
  }

  const std::string& key() const { return key_; }
  WireLog& log() { return log_; }

 private:
  const RunOptions& options_;
  std::string key_;
  WireLog log_;
  std::optional<Finding> wrong_;
};

}  // namespace

asio::awaitable<ProbeResult> run_startup_probe(const RunOptions& options, std::string key_prefix) {
  Probe probe(options, key_prefix + "/probe");
  const std::string& k = probe.key();
  std::string problem;

  std::unique_ptr<WireSession> first = co_await probe.connect(1, problem);
  if (!first) {
    co_return ProbeResult{ProbeOutcome::kUnreachable,
                          Finding{"", "the target is unreachable", problem, probe.log().entries()}};
  }
  if (!co_await probe.ask(*first, make_put(k, "probe"), make_put_ack(), "5.1", problem)) {
    co_return probe.unresponsive(
        "the server accepts connections but does not answer: a PUT on the first connection got "
        "no response",
        problem);
  }
  // Under a maximum LEN below a PUT's frame, every probe frame is the
  // empty-body frame (kind 0); the probe then asks one frame per
  // connection, so that a server that answers it and closes (against
  // SPEC 5.6) is judged by the cases, not reported unresponsive.
  const bool tiny_max = !frame_fits(make_put(k, "probe"), options.max_frame_bytes);
  if (!tiny_max &&
      !co_await probe.ask(*first, make_get(k), make_get_hit(k, "probe"), "5.2", problem)) {
    co_return probe.unresponsive(
        "the server answered a PUT but not the GET that followed it on the same connection",
        problem);
  }
  co_await probe.leave(*first);

  std::unique_ptr<WireSession> second = co_await probe.connect(2, problem);
  if (!second) {
    co_return probe.unresponsive(
        "the server stopped accepting connections after a client "
        "closed one",
        problem);
  }
  if (!co_await probe.ask(*second, make_get(k), make_get_hit(k, "probe"), "5.8", problem)) {
    co_return probe.unresponsive(
        "the server stopped answering new connections after a client closed one", problem);
  }
  co_await probe.leave(*second);

  // A client that connects and leaves without sending a byte, as a load
  // balancer's health check does.
  std::unique_ptr<WireSession> silent = co_await probe.connect(3, problem);
  if (silent) co_await probe.leave(*silent);
  std::unique_ptr<WireSession> fourth = co_await probe.connect(4, problem);
  if (!silent || !fourth) {
    co_return probe.unresponsive("the server stopped accepting connections", problem);
  }
  if (!co_await probe.ask(*fourth, make_get(k), make_get_hit(k, "probe"), "5.8", problem)) {
    co_return probe.unresponsive(
        "the server stopped answering after a client connected and closed without sending a "
        "byte",
        problem);
  }
  fourth->close();
  co_return probe.finish();
}

}  // namespace kv
