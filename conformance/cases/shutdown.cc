// SPEC section 12, shutdown: the graceful drain on the first SIGTERM (12.5)
// and the stop on a second one (12.6). Both cases signal the server
// process, so they need --exec; they run after every other case, alone,
// and the runner starts the server again after each (stops_server in
// case_registry.h). How the signal reaches a server that a shell runs:
// ServerSupervisor::signal_server().
//
// The server's drain time is kvconform's --drain-ms (RunOptions::drain_time,
// default 3000 ms, the spec's default); kvconform takes no value under
// 2000 ms, so that 12.6's second signal always comes long before the
// drain would end by itself.
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/engine/liveness.h"
#include "conformance/wire/messages.h"
#include "conformance/engine/server_supervisor.h"

namespace kv {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Added to the scaled drain time before a server that has not exited
// fails: seeing the exit takes a poll, and the machine may be loaded.
constexpr Millis kExitGrace{500};
// How long the requests are left to reach the server before the signal.
constexpr Millis kSettle{200};
// How long 12.6 waits between the two signals: far below the drain time, so
// that a server that ignores the second signal is still draining when the
// bound of the second one passes.
constexpr Millis kBetweenSignals{300};
// How often the server process is looked at while kvconform waits for it
// to exit.
constexpr Millis kExitPoll{10};

// 12.5: the pipelined requests, PUTs of small values, then GETs.
constexpr int kDrainPuts = 100;
constexpr int kDrainGets = 100;
// The value every second GET of 12.5 reads: the 50 responses (12.5 MiB)
// are more than the socket buffers of loopback take (up to 4 MiB to send
// and what the client's receive buffer holds), so that the server still
// holds unanswered requests or unsent responses when the signal comes.
constexpr std::size_t kDrainValueBytes = 256 * 1024;
// The value 12.6's GETs read, and how many GETs the client never reads
// (32 MiB of responses).
constexpr std::size_t kStuckValueBytes = 64 * 1024;
constexpr int kStuckGets = 512;
// A drain that runs out of time may close its connections without
// flushing (SPEC 12.5). 12.5's pipelining connection, closed before its
// last response, passes when the close came once the drain time had
// nearly passed (this share of it) and bytes were still arriving until
// kStillSending (scaled) before it: a server that was writing when its
// time ran out, not one that stopped writing at the signal.
constexpr int kDrainRanOutPercent = 90;
constexpr Millis kStillSending{1000};
// The smallest maximum LEN that 12.6's PUT of the large value fits in,
// with room for its key.
constexpr std::uint32_t kSecondSignalMinMaxFrame = kStuckValueBytes + 256;

// The bound within which a server must have exited after the first
// signal: the drain time, scaled, plus the grace.
Millis drain_bound(const RunOptions& options) {
  return options.spec_bound(options.drain_time) + kExitGrace;
}

// Sends `signal` to the server and logs it. Returns std::nullopt once
// sent, or the verdict: SKIP where the server's process cannot be told
// apart from its shell, ERROR when the signal cannot be sent.
std::optional<Verdict> send_signal(CaseContext& ctx, int signal, std::string_view which) {
  ctx.log().info(0, fmt::format("sending {} to the server process", which));
  bool unsupported = false;
  const std::string error = ctx.server()->signal_server(signal, unsupported);
  if (error.empty()) return std::nullopt;
  if (unsupported) return skipped(error);
  return error_verdict(error);
}

// Waits until the server process has exited or `deadline` passes; true
// once it has exited.
asio::awaitable<bool> wait_for_exit(ServerSupervisor& server, Clock::time_point deadline) {
  for (;;) {
    if (server.exited()) co_return true;
    if (Clock::now() >= deadline) co_return false;
    co_await pause(std::min(
        kExitPoll, std::chrono::duration_cast<Millis>(deadline - Clock::now() + Millis(1))));
  }
}

// How the process ended, or that it still runs, for a verdict.
std::string process_outcome(ServerSupervisor& server, Clock::time_point signalled) {
  if (!server.exited()) {
    return fmt::format("the server process was still running {} ms after the SIGTERM",
                       since(signalled).count());
  }
  return fmt::format("the server process {}", server.exit_description());
}

// ---------------------------------------------------------------- 12.5

// What the pipelining connection sends in one write, and the responses a
// draining server gives it.
struct DrainScript {
  std::string large_key;
  std::string large_value;
  std::string stream;  // The requests, then the trailing partial frame.
  std::vector<Message> responses;
  std::size_t partial_bytes = 0;
};

// Built in a plain function: GCC 12 cannot keep the braced lists this
// needs alive in a coroutine frame.
DrainScript make_drain_script(CaseContext& ctx) {
  DrainScript script;
  script.large_key = ctx.key("large");
  // Under a small --max-frame-bytes the "large" value is as large as fits.
  const std::uint32_t max = ctx.options().max_frame_bytes;
  const std::size_t size =
      frame_fits(make_put(script.large_key, std::string(kDrainValueBytes, 'a')), max)
          ? kDrainValueBytes
          : std::max<std::size_t>(1, value_size_for_put_len(script.large_key, max));
  script.large_value = patterned_value(size, 'a');
  std::vector<std::string> keys;
  for (int i = 0; i < kDrainPuts; ++i) {
    keys.push_back(ctx.key(fmt::format("k{}", i)));
    script.stream += encode_frame_to_string(make_put(keys.back(), fmt::format("v{}", i)));
    script.responses.push_back(make_put_ack());
  }
  for (int i = 0; i < kDrainGets; ++i) {
    const bool large = i % 2 == 1;
    const std::string& key = large ? script.large_key : keys[static_cast<std::size_t>(i)];
    script.stream += encode_frame_to_string(make_get(key));
    script.responses.push_back(
        make_get_hit(key, large ? script.large_value : fmt::format("v{}", i)));
  }
  // The first 7 bytes of a PUT: its header and 3 bytes of its body.
  const std::string partial =
      encode_frame_to_string(make_put(ctx.key("partial"), "never stored")).substr(0, 7);
  script.partial_bytes = partial.size();
  script.stream += partial;
  return script;
}

// Whether the server closed `a` because its drain time ran out while it
// was still writing (kDrainRanOutPercent, kStillSending), which 12.5
// allows.
bool drain_ran_out(const WireSession& a, Clock::time_point signalled, const RunOptions& o) {
  return a.ended_by_server() &&
         a.ended_at() - signalled >= o.drain_time * kDrainRanOutPercent / 100 &&
         a.ended_at() - a.last_byte_at() <= o.spec_bound(kStillSending);
}

// The wire side of the drain, from the signal on: the pipelining
// connection gets every response, the error response and a FIN (or, when
// the drain time runs out first, the responses in order up to a close,
// drain_ran_out()); the idle connection (concurrent profile only) a FIN
// alone. Then a late connection is opened, once the drain has surely
// begun; it is left in `late` (or why it was refused in `late_refused`)
// to be judged after the server has exited.
asio::awaitable<Check> check_drained_connections(CaseContext& ctx, WireSession& a, WireSession* b,
                                                 const DrainScript& script,
                                                 Clock::time_point signalled,
                                                 std::unique_ptr<WireSession>& late,
                                                 std::string& late_refused) {
  const RunOptions& o = ctx.options();
  Check answered =
      co_await expect_responses(a, script.responses, o.bulk_timeout(), o.response_timeout());
  if (answered && !drain_ran_out(a, signalled, o)) co_return answered;
  if (answered) {
    ctx.log().info(0, fmt::format("the drain time ({} ms) ran out while responses were still "
                                  "arriving: the responses up to the close were right, and SPEC "
                                  "12.5 lets the rest go unsent",
                                  o.drain_time.count()));
  } else {
    KV_CHECK(co_await expect_response(
        a, make_error_response(),
        fmt::format("after the {} responses, the error response in place of the trailing "
                    "partial frame ({} bytes)",
                    script.responses.size(), script.partial_bytes),
        o.response_timeout()));
    const ReadEvent end = co_await a.read_frame(o.response_timeout());
    if (end.kind != ReadEventKind::kEof) {
      co_return fail_verdict("after the error response, a FIN on the pipelining connection (EOF)",
                             describe_event(end));
    }
  }
  if (b != nullptr) {
    const ReadEvent idle_end = co_await b->read_frame(o.response_timeout());
    if (idle_end.kind != ReadEventKind::kEof) {
      co_return fail_verdict(
          "the idle connection (served, then nothing pending) gets a FIN and no byte",
          describe_event(idle_end));
    }
  }
  // The server has drained the pipelining connection, so it has seen the
  // signal: it must not serve a new connection now.
  late_refused = co_await ctx.try_open(late);
  if (late) {
    const Check sent = co_await late->send(encode_frame_to_string(make_get(ctx.key("late"))),
                                           o.response_timeout());
    static_cast<void>(sent);  // A server that closes it at once may make the write fail.
  }
  co_return std::nullopt;
}

asio::awaitable<Verdict> drain_on_sigterm(CaseContext& ctx) {
  ServerSupervisor* server = ctx.server();
  if (server == nullptr) co_return skipped("needs --exec");
  const RunOptions& o = ctx.options();
  const bool concurrent = o.profile == Profile::kConcurrent;
  const DrainScript script = make_drain_script(ctx);

  std::unique_ptr<WireSession> a;
  KV_CHECK(co_await ctx.open(a));
  KV_CHECK(co_await a->send(encode_frame_to_string(make_put(script.large_key, script.large_value)),
                            o.bulk_timeout()));
  KV_CHECK(co_await expect_response(*a, make_put_ack(), "ack of the PUT of the large value",
                                    o.bulk_timeout()));
  // The sequential profile serves the pipelining connection alone (SPEC
  // 11.2): only it drains, and there is no idle connection to watch.
  std::unique_ptr<WireSession> b;
  if (concurrent) {
    KV_CHECK(co_await ctx.open(b));
    KV_CHECK(co_await round_trip(ctx, *b, make_put(ctx.key("idle"), "served"), make_put_ack(),
                                 "ack of the idle connection's PUT (it is served, then idle)"));
  }
  KV_CHECK(co_await a->send(script.stream, o.bulk_timeout()));
  co_await pause(o.spec_bound(kSettle));
  if (auto verdict = send_signal(ctx, SIGTERM, "SIGTERM")) co_return std::move(*verdict);
  const Clock::time_point signalled = Clock::now();

  std::unique_ptr<WireSession> late;
  std::string late_refused;
  const Check drained =
      co_await check_drained_connections(ctx, *a, b.get(), script, signalled, late, late_refused);
  // Closed at once: a draining server may wait for its peers to close.
  a->close();
  if (b) b->close();
  const bool exited = co_await wait_for_exit(*server, signalled + drain_bound(o));
  if (drained) {
    Verdict verdict = *drained;
    verdict.observed += "; meanwhile " + process_outcome(*server, signalled);
    co_return verdict;
  }
  if (!exited) {
    co_return fail_verdict(
        fmt::format("the server exits within {} ms of the SIGTERM (the drain time {} ms x "
                    "max(1, scale) + {} ms grace)",
                    drain_bound(o).count(), o.drain_time.count(), kExitGrace.count()),
        process_outcome(*server, signalled) + ", though every connection had been drained");
  }
  if (server->exit_code() != 0) {
    co_return fail_verdict("the server exits with status 0 after its drain",
                           process_outcome(*server, signalled));
  }
  if (late) {
    // The server has exited: a connection in its backlog has been reset.
    const ReadEvent event = co_await late->read_frame(o.response_timeout());
    if (event.kind == ReadEventKind::kFrame || event.kind == ReadEventKind::kBadBody ||
        event.kind == ReadEventKind::kBadFrame) {
      co_return fail_verdict(
          "the late connection, opened during the drain, is refused, or closed unanswered: a "
          "draining server accepts no connection",
          "it was served: " + describe_event(event));
    }
    if (event.kind == ReadEventKind::kTimeout) {
      co_return fail_verdict(
          "the late connection, opened during the drain, is refused, or closed unanswered once "
          "the server has exited",
          "it was neither answered nor closed, though the server process had exited");
    }
  } else {
    ctx.log().info(0, "the late connection was refused, as it may be: " + late_refused);
  }
  co_return passed();
}

// ---------------------------------------------------------------- 12.6

asio::awaitable<Verdict> second_signal_stops_at_once(CaseContext& ctx) {
  ServerSupervisor* server = ctx.server();
  if (server == nullptr) co_return skipped("needs --exec");
  const RunOptions& o = ctx.options();
  const std::string key = ctx.key("large");
  const std::string value = patterned_value(kStuckValueBytes, 'a');
  std::unique_ptr<WireSession> a;
  KV_CHECK(co_await ctx.open(a));
  KV_CHECK(co_await a->send(encode_frame_to_string(make_put(key, value)), o.bulk_timeout()));
  KV_CHECK(co_await expect_response(*a, make_put_ack(), "ack of the PUT of the large value",
                                    o.bulk_timeout()));
  const std::string get = encode_frame_to_string(make_get(key));
  std::string gets;
  for (int i = 0; i < kStuckGets; ++i) gets += get;
  KV_CHECK(co_await a->send(gets, o.bulk_timeout()));
  co_await pause(o.spec_bound(kSettle));

  if (auto verdict = send_signal(ctx, SIGTERM, "the first SIGTERM")) co_return std::move(*verdict);
  const Clock::time_point first = Clock::now();
  co_await pause(kBetweenSignals);
  if (server->exited()) {
    co_return fail_verdict(
        fmt::format("the first SIGTERM starts a drain (SPEC 12.5), which cannot end while "
                    "the client reads none of its {} MiB of responses: the server still runs "
                    "{} ms later",
                    kStuckGets * kStuckValueBytes / (1024 * 1024), kBetweenSignals.count()),
        process_outcome(*server, first));
  }
  if (auto verdict = send_signal(ctx, SIGTERM, "the second SIGTERM")) {
    co_return std::move(*verdict);
  }
  const Clock::time_point second = Clock::now();
  const bool exited = co_await wait_for_exit(*server, second + o.close_bound());
  a->reset();
  if (!exited) {
    co_return fail_verdict(
        fmt::format("the server exits within {} ms of the second SIGTERM (1 s x max(1, scale) "
                    "+ {} ms grace), long before its drain time of {} ms",
                    o.close_bound().count(), kCloseGrace.count(), o.drain_time.count()),
        fmt::format("it was still running {} ms after the second SIGTERM", since(second).count()));
  }
  if (server->exit_code() != 0) {
    co_return fail_verdict("the server exits with status 0 after the second SIGTERM",
                           process_outcome(*server, second));
  }
  co_return passed();
}

}  // namespace

void register_shutdown_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 12);
  cases.add({
      .id = "12.5/drain-on-sigterm",
      .quote = "on SIGTERM a server stops accepting, answers every complete request it read, "
               "answers a trailing partial frame {kind 0, NotOk}, flushes, sends a FIN and exits 0 "
               "within the drain time",
      .sends = "--exec only (kvconform signals the server process it started; SKIP under "
               "--target). A pipelining connection: a PUT of a 256 KiB value, then in one write "
               "100 PUTs of small values and 100 GETs (every second one of the 256 KiB value, so "
               "the responses back up) and the first 7 bytes of another PUT; an idle connection "
               "(concurrent profile only): one PUT, then nothing. 200 ms later SIGTERM to the "
               "server; once the pipelining connection is drained, a late connection connects "
               "and sends a GET",
      .expects = "the pipelining connection: the 200 responses in order, then {kind 0, NotOk} in "
                 "place of the partial frame, then a FIN (EOF) -- or, if the drain time runs out "
                 "while responses are still arriving (a byte within 1 s of the close, the close "
                 "after 90% of the drain time), the responses in order up to the close; the idle "
                 "connection: a FIN and no "
                 "byte; the process exits with status 0 within the drain time (--drain-ms, "
                 "default 3000 ms, x max(1, scale) + 500 ms from the signal); the late connection "
                 "is refused or closed "
                 "unanswered. Afterwards kvconform starts the server again",
      .timing = Timing::kBulk,
      .needs = {"2.5/coalesced", "6.5/answered-before-truncation"},
      .solo = true,
      .stops_server = true,
      .run = drain_on_sigterm,
  });
  cases.add({
      .id = "12.6/second-signal-stops-at-once",
      .quote = "a second SIGTERM during the drain stops the server within 1 s, with exit status 0",
      .sends = "--exec only (SKIP under --target). A PUT of a 64 KiB value, then 512 GETs of it "
               "in one write, none of whose 32 MiB of responses is ever read, so the drain cannot "
               "end; SIGTERM, and 300 ms later a second SIGTERM",
      .expects = "the server still runs 300 ms after the first signal (it drains, SPEC 12.5), and "
                 "exits with status 0 within 1 s of the second (1 s x max(1, scale) + 250 ms), "
                 "long before its drain time (--drain-ms, default 3000 ms) would end it. "
                 "Afterwards kvconform starts "
                 "the server again",
      .timing = Timing::kCloseWithin,
      .needs = {"12.5/drain-on-sigterm"},
      .solo = true,
      .stops_server = true,
      .min_max_frame_bytes = kSecondSignalMinMaxFrame,
      .run = second_signal_stops_at_once,
  });
}

}  // namespace kv
