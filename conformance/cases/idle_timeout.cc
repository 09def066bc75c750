// SPEC 9.4, the idle timeout is a lower bound: a connection idle for less
// than the server's idle timeout (--idle-timeout-ms, 10 s by default) is
// not closed. The case keeps a connection idle for 6 s under the default
// (the timeout less 4 s, at least half of it and at most 6 s) and watches
// it all the while, so a server that closes idle connections early, after
// 5 s (a common default elsewhere) as after 1 s, fails at the moment it
// closes, named 9.4.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kLongestPause{6000};
// Under a timeout above 8 s, the part of it the pause leaves: a client
// whose pause overruns by less than this on a loaded machine still sends
// before a correct server may close. Under a shorter timeout the pause is
// half of it.
constexpr std::chrono::milliseconds kSlack{4000};

// 6 s under the default timeout of 10 s, so that a server closing after
// 5 s fails whatever the scheduling; half of a timeout of 8 s or less.
std::chrono::milliseconds idle_pause(const RunOptions& options) {
  return std::min(std::max(options.idle_timeout / 2, options.idle_timeout - kSlack), kLongestPause);
}

// The verdict on a connection the server ended: a FAIL if it had been idle
// for less than the idle timeout, measured from before the last request
// was sent (so at least as long as the server's own count), or an ERROR
// if the client's own pause overran the timeout (a machine too loaded to
// tell).
Verdict early_close_verdict(const RunOptions& options, Clock::time_point last_send,
                            const std::string& seen) {
  const std::chrono::milliseconds idle = since(last_send);
  if (idle >= options.idle_timeout) {
    return error_verdict(fmt::format(
        "the client's pause overran: the connection was idle {} ms, not less than the idle "
        "timeout {} ms, when the server closed it ({}); rerun on a quieter machine",
        idle.count(), options.idle_timeout.count(), seen));
  }
  return fail_verdict(
      fmt::format("a connection idle for less than the idle timeout ({} ms) stays open",
                  options.idle_timeout.count()),
      fmt::format("{} after at most {} ms without a byte from the client", seen, idle.count()));
}

asio::awaitable<Verdict> idle_below_timeout(CaseContext& ctx) {
  const RunOptions& options = ctx.options();
  const std::chrono::milliseconds pause_length = idle_pause(options);
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key("k");
  const Clock::time_point last_send = Clock::now();
  KV_CHECK(co_await round_trip(ctx, *c, make_put(k, "before the pause"), make_put_ack(),
                               "ack of the PUT before the pause"));
  ctx.log().info(0, fmt::format("idle for {} ms, watching the connection (idle timeout {} ms)",
                                pause_length.count(), options.idle_timeout.count()));
  const ReadEvent during = co_await c->read_frame(pause_length - since(last_send));
  if (during.kind == ReadEventKind::kEof || during.kind == ReadEventKind::kReset) {
    co_return early_close_verdict(options, last_send, describe_event(during));
  }
  if (during.kind != ReadEventKind::kTimeout) {
    co_return fail_verdict("nothing while the client is idle", describe_event(during));
  }
  // The server's last input byte is still the first PUT's: a close from now
  // on is measured from there too.
  KV_CHECK(co_await c->send(encode_frame_to_string(make_put(k, "after the pause")),
                            options.response_timeout()));
  const ReadEvent ack = co_await c->read_frame(options.response_timeout());
  if (ack.kind == ReadEventKind::kEof || ack.kind == ReadEventKind::kReset) {
    co_return early_close_verdict(options, last_send, describe_event(ack));
  }
  if (ack.kind != ReadEventKind::kFrame || !same_message(ack.message, make_put_ack())) {
    co_return fail_verdict("ack of the PUT after the pause", describe_event(ack));
  }
  KV_CHECK(co_await round_trip(ctx, *c, make_get(k), make_get_hit(k, "after the pause"),
                               "GET after the pause"));
  co_return passed();
}

}  // namespace

void register_idle_timeout_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 9);
  cases.add({
      .id = "9.4/idle-pause-below-the-timeout",
      .quote = "a server must not close a connection idle for less than its idle timeout (10 s "
               "unless configured)",
      .sends = "PUT, then no byte for the idle timeout (--idle-timeout-ms, default 10000) less "
               "4 s, at least half of it and at most 6 s (6 s under the default), while "
               "watching the connection; then PUT and GET",
      .expects = "no close and no byte during the pause; then an ack and a hit on the same "
                 "connection",
      .legal = "a close after the client was idle for the whole idle timeout (a pause overrun "
               "on a loaded machine) is not judged: ERROR, rerun",
      .timing = Timing::kPauses,
      .needs = {"5.1/put-then-get"},
      .run = idle_below_timeout,
  });
}

}  // namespace kv
