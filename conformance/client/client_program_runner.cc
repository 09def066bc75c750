#include "conformance/client/client_program_runner.h"

#include <fmt/format.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <chrono>
#include <set>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/client/client_answers.h"
#include "conformance/client/client_case_steps.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string_view failure_kind_name(ClientFailureKind kind) {
  switch (kind) {
    case ClientFailureKind::kRequest:
      return "request";
    case ClientFailureKind::kConnection:
      return "connection";
    case ClientFailureKind::kResult:
      return "result";
    case ClientFailureKind::kHang:
      return "hang";
    case ClientFailureKind::kCrash:
      return "crash";
    case ClientFailureKind::kGarbage:
      return "garbage";
  }
  return "?";
}

void ClientRunCounts::add(const ClientRunCounts& other) {
  steps += other.steps;
  requests += other.requests;
  connections += other.connections;
  for (const auto& [k, v] : other.commands) commands[k] += v;
  for (const auto& [k, v] : other.faults) faults[k] += v;
  for (const auto& [k, v] : other.forms) forms[k] += v;
  for (const auto& [k, v] : other.shapes) shapes[k] += v;
  for (const auto& [k, v] : other.rules) rules[k] += v;
}

namespace {

// The writes of one answer stream, as the step's shape says.
StreamShape shape_of(const ClientStep& step, std::size_t bytes) {
  StreamShape shape;
  switch (step.shape) {
    case AnswerShape::kWhole:
      return StreamShape::whole();
    case AnswerShape::kSplit:
      if (bytes < 2) return StreamShape::whole();
      return StreamShape::split_at(1 + step.shape_seed % (bytes - 1));
    case AnswerShape::kByteByByte:
      return StreamShape::byte_by_byte();
    case AnswerShape::kRandomChunks:
      return StreamShape::random_chunks(step.shape_seed,
                                        std::max<std::uint32_t>(1, step.max_chunk));
    case AnswerShape::kSlow:
      if (bytes < 2) return StreamShape::whole();
      shape = StreamShape::split_at(bytes / 2);
      shape.gap = milliseconds(step.pause_ms);
      return shape;
  }
  return StreamShape::whole();
}

// The hit a confused client would take for the answer to the next GET of
// the program: the same key, another value. An acknowledgement when no
// GET follows.
std::string stale_frame(const ClientProgram& program, std::size_t after) {
  for (std::size_t i = after + 1; i < program.steps.size(); ++i) {
    for (const AdapterRequest& r : program.steps[i].requests) {
      if (r.op == AdapterRequest::Op::kGet) {
        return encode_frame_to_string(make_get_hit(r.key, fmt::format("stale-{}", after + 1)));
      }
    }
  }
  return encode_frame_to_string(make_put_ack());
}

// The answer to request `i` of a step (the model's if the step has fewer).
const ServerAnswer& answer_at(const ClientStep& s, std::size_t i) {
  static const ServerAnswer kModel;
  return i < s.answers.size() ? s.answers[i] : kModel;
}

// The adapter command of a put, get or batch step.
AdapterCommand command_of(const ClientStep& s) {
  const AdapterCommand::Op op = s.op == StepOp::kBatch ? AdapterCommand::Op::kBatch
                                : s.op == StepOp::kPut ? AdapterCommand::Op::kPut
                                                       : AdapterCommand::Op::kGet;
  return {op, s.requests};
}

bool has_timeout_class(const AdapterResult& r) {
  if (r.kind == AdapterResult::Kind::kError) return r.error_class == "timeout";
  for (const AdapterResult& one : r.results) {
    if (has_timeout_class(one)) return true;
  }
  return false;
}

class ProgramRunner {
 public:
  ProgramRunner(ClientCaseContext& ctx, const ClientProgram& program)
      : ctx_(ctx), program_(program) {}

  asio::awaitable<ClientProgramRun> run() {
    for (std::size_t i = 0; i < program_.steps.size(); ++i) {
      step_ = static_cast<int>(i);
      const ClientStep& s = program_.steps[i];
      ++run_.counts.steps;
      ++run_.counts.commands[std::string(step_op_name(s.op))];
      bool go_on = false;
      if (s.op == StepOp::kClose) {
        go_on = co_await close_step();
      } else if (s.refuse) {
        go_on = co_await refuse_step(s);
      } else {
        go_on = co_await exchange_step(s, i);
      }
      if (!go_on) break;
    }
    if (!run_.failure && !run_.inconclusive) {
      step_ = -1;
      co_await no_stray_request();
    }
    run_.counts.connections = static_cast<std::uint64_t>(ctx_.server().connection_count());
    co_return std::move(run_);
  }

 private:
  const ClientRunOptions& options() const { return ctx_.options(); }

  // Records the failure; returns false so that the program stops.
  bool fail(ClientFailureKind kind, std::string rule, std::string expected, std::string observed) {
    if (kind != ClientFailureKind::kCrash) {
      if (const std::optional<std::string> exited = ctx_.adapter().exit_description()) {
        kind = ClientFailureKind::kCrash;
        observed = *exited + " (" + observed + ")";
      }
    }
    run_.failure =
        ClientFailure{kind, std::move(rule), step_, std::move(expected), std::move(observed)};
    return false;
  }

  bool inconclusive(std::string why) {
    run_.inconclusive = true;
    run_.note = std::move(why);
    return false;
  }

  // Writes a command; false if the adapter does not take it.
  asio::awaitable<bool> command(const AdapterCommand& command) {
    if (const Check failed = co_await ctx_.command(command)) {
      co_return fail(ClientFailureKind::kCrash, "13.12", failed->expected, failed->observed);
    }
    co_return true;
  }

  // The adapter's next result, or the failure that replaces it.
  asio::awaitable<std::optional<AdapterResult>> result(milliseconds bound, const std::string& rule,
                                                       const ResultPattern& want) {
    const AdapterEvent event = co_await ctx_.adapter().next_event(bound);
    const std::string expected = "the result " + describe(want);
    switch (event.kind) {
      case AdapterEvent::Kind::kResult:
        co_return event.result;
      case AdapterEvent::Kind::kTimeout:
        fail(ClientFailureKind::kHang, rule, expected,
             fmt::format("no result within {} ms: the client hangs", bound.count()));
        break;
      case AdapterEvent::Kind::kExited:
        fail(ClientFailureKind::kCrash, rule, expected, event.text + ", without a result");
        break;
      case AdapterEvent::Kind::kGarbage:
        fail(ClientFailureKind::kGarbage, rule, expected, event.text);
        break;
    }
    co_return std::nullopt;
  }

  asio::awaitable<bool> close_step() {
    if (!co_await command(close_command())) co_return false;
    const ResultPattern want = ResultPattern::of(closed_result());
    const std::optional<AdapterResult> got =
        co_await result(options().step_timeout(), "13.13", want);
    if (!got) co_return false;
    ++run_.counts.rules["13.13"];
    if (!result_matches(want, *got)) {
      co_return fail(ClientFailureKind::kResult, "13.13", "the result closed",
                     "the result " + describe(*got));
    }
    if (current_ != 0) {
      const int conn = current_;
      current_ = 0;
      abandoned_[conn] = "13.13";
      last_end_rule_ = "13.13";
      if (const Check open =
              co_await ctx_.expect_client_closes(conn, "the command close closes it")) {
        co_return fail(ClientFailureKind::kConnection, "13.13", open->expected, open->observed);
      }
    }
    co_return true;
  }

  asio::awaitable<bool> refuse_step(const ClientStep& s) {
    ++run_.counts.faults["refuse"];
    run_.counts.requests += s.requests.size();
    if (const std::string error = ctx_.server().refuse_connections(true); !error.empty()) {
      co_return inconclusive(error);
    }
    std::vector<ResultPattern> items;
    for (std::size_t i = 0; i < s.requests.size(); ++i) {
      items.push_back(i == 0 ? ResultPattern::of(error_result("connect-failed"))
                             : ResultPattern::any_error());
    }
    const ResultPattern want =
        s.op == StepOp::kBatch ? ResultPattern::batch(std::move(items)) : items.at(0);
    if (!co_await command(command_of(s))) co_return false;
    const std::optional<AdapterResult> got =
        co_await result(options().silence_bound(), "13.11", want);
    if (const std::string error = ctx_.server().refuse_connections(false); !error.empty()) {
      co_return inconclusive(error);
    }
    if (!got) co_return false;
    ++run_.counts.rules["13.11"];
    if (!result_matches(want, *got)) {
      co_return fail(ClientFailureKind::kResult, "13.11", "the result " + describe(want),
                     "the result " + describe(*got));
    }
    co_return true;
  }

  // The rule a wrong result of answer `i` of `s` breaks: its misbehaviour's,
  // or for a legal answer, what was special about it.
  std::string item_rule(const ClientStep& s, std::size_t i) const {
    const ServerAnswer& a = answer_at(s, i);
    if (a.fault != Fault::kNone) return std::string(fault_rule(a.fault));
    return legal_rule(s, a, after_stale_);
  }

  // The rule a wrong result of a legal answer breaks, from what was
  // special about it.
  static std::string legal_rule(const ClientStep& s, const ServerAnswer& a, bool after_stale) {
    if (after_stale) return "13.13";
    if (a.form != ResponseForm::kCanonical) return "13.4";
    if (a.fill_len != 0) return "13.5";
    if (s.requests.size() > 1) return "13.3";
    if (s.shape != AnswerShape::kWhole || s.each_at_once) return "13.2";
    return "13.1";
  }

  asio::awaitable<bool> exchange_step(const ClientStep& s, std::size_t index) {
    const std::size_t n = s.requests.size();
    run_.counts.requests += n;
    ++run_.counts.shapes[std::string(answer_shape_name(s.shape))];
    const std::string stale = stale_frame(program_, index);
    std::vector<AnswerPlan> plans;
    std::size_t end = n;  // The first answer that ends the stream.
    for (std::size_t i = 0; i < n; ++i) {
      const ServerAnswer& answer = answer_at(s, i);
      plans.push_back(
          plan_answer(s.requests[i], answer, store_, options().client_max_frame_bytes, stale));
      if (answer.fault == Fault::kNone) {
        ++run_.counts.forms[std::string(response_form_name(answer.form))];
      } else {
        ++run_.counts.faults[std::string(fault_name(answer.fault))];
      }
      if (plans.back().ends_stream && end == n) end = i;
    }
    const bool each_at_once = s.each_at_once && end == n;
    if (!co_await command(command_of(s))) co_return false;

    // The requests, all on one connection, which the client may use.
    int conn = 0;
    Clock::time_point first_arrival{};
    Clock::time_point sent_all{};
    std::uint64_t data_bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      data_bytes += s.requests[i].key.size() + s.requests[i].value.size() + plans[i].bytes.size();
      int c = 0;
      if (const Check bad = co_await ctx_.expect_request(request_of(s.requests[i]), c)) {
        // No request at all after a connection ended: the client did not
        // open a new one (13.6, 13.13).
        const bool none = bad->observed.find("no request within") != std::string::npos;
        co_return fail(ClientFailureKind::kRequest,
                       i == 0 && none && !last_end_rule_.empty() ? last_end_rule_ : "13.1",
                       bad->expected, bad->observed);
      }
      if (i == 0) {
        first_arrival = Clock::now();
        if (const auto it = abandoned_.find(c); it != abandoned_.end()) {
          co_return fail(ClientFailureKind::kConnection, it->second,
                         "the request on a new connection",
                         fmt::format("it came on connection {}, which the client had to stop "
                                     "using (SPEC {})",
                                     c, it->second));
        }
      } else if (c != conn) {
        co_return fail(
            ClientFailureKind::kConnection, "13.3", "every request of a batch on one connection",
            fmt::format("request {} came on connection {}, the first on {}", i + 1, c, conn));
      }
      conn = c;
      if (each_at_once) {
        if (!co_await send(conn, plans[i].bytes, shape_of(s, plans[i].bytes.size()))) {
          co_return false;
        }
      }
    }
    current_ = conn;

    // What the client must report.
    const bool reset_follows = end < n && plans[end].end == AnswerPlan::End::kReset;
    std::vector<ResultPattern> items;
    for (std::size_t i = 0; i < n; ++i) {
      if (i < end) {
        // Bytes before a reset may be lost with it.
        const bool soft = reset_follows || (i > 0 && answer_at(s, i - 1).fault != Fault::kNone) ||
                          (!items.empty() && items.back().kind != ResultPattern::Kind::kExact);
        items.push_back(soft ? ResultPattern::or_any_error(plans[i].want.exact) : plans[i].want);
      } else if (i == end) {
        items.push_back(plans[i].want);
      } else {
        items.push_back(ResultPattern::any_error());
      }
    }
    const ResultPattern want =
        s.op == StepOp::kBatch ? ResultPattern::batch(std::move(items)) : items.at(0);

    milliseconds bound =
        data_bytes > 64 * 1024 ? options().bulk_timeout() : options().step_timeout();
    const bool timed = end < n && fault_is_timeout(answer_at(s, end).fault);
    if (timed) bound = std::max(bound, options().silence_bound());
    const std::string rule = item_rule(s, end < n ? end : 0);

    std::optional<AdapterResult> got;
    if (!each_at_once) {
      std::string stream;
      for (std::size_t i = 0; i < n && i < end; ++i) stream += plans[i].bytes;
      const bool drip = end < n && plans[end].drip;
      if (end < n && !drip) stream += plans[end].bytes;
      if (!co_await send(conn, stream, shape_of(s, stream.size()))) co_return false;
      if (end < n && plans[end].end == AnswerPlan::End::kClose) ctx_.server().close(conn);
      if (end < n && plans[end].end == AnswerPlan::End::kReset) ctx_.server().reset(conn);
      sent_all = Clock::now();
      if (drip) {
        got = co_await drip_and_wait(conn, plans[end].bytes, bound, rule, want);
      } else {
        got = co_await result(bound, rule, want);
      }
    } else {
      sent_all = Clock::now();
      got = co_await result(bound, rule, want);
    }
    const Clock::time_point answered = Clock::now();
    if (!got) co_return false;
    for (std::size_t i = 0; i < n && i <= end; ++i) ++run_.counts.rules[item_rule(s, i)];

    if (!result_matches(want, *got)) {
      // A timeout where the answers were legal is the client's fault only
      // if kvconform itself kept time: it read the request promptly (the
      // client waited about its timeout after that) and sent the answers
      // well within the timeout.
      const auto ms = [](Clock::duration d) {
        return std::chrono::duration_cast<milliseconds>(d).count();
      };
      const milliseconds half = options().client_timeout / 2;
      if (!timed && has_timeout_class(*got) &&
          (sent_all - first_arrival > half || answered - first_arrival < half)) {
        co_return inconclusive(fmt::format(
            "step {} ({}): the client reported timeout {} ms after kvconform read the request, "
            "which kvconform answered in {} ms: the machine is too slow to judge it",
            step_ + 1, describe_step(s), ms(answered - first_arrival),
            ms(sent_all - first_arrival)));
      }
      co_return fail(ClientFailureKind::kResult, result_rule(s, *got, want),
                     "the result " + describe(want), "the result " + describe(*got));
    }

    after_stale_ = false;
    last_end_rule_.clear();
    if (end < n) {
      const AnswerPlan& last = plans[end];
      if (last.framing_error) {
        abandoned_[conn] = "13.6";
        last_end_rule_ = "13.6";
        current_ = 0;
        after_stale_ = answer_at(s, end).leftover;
        if (const Check open =
                co_await ctx_.expect_client_closes(conn, "SPEC 13.6: it closes the connection")) {
          co_return fail(ClientFailureKind::kConnection, "13.6", open->expected, open->observed);
        }
      } else if (last.end != AnswerPlan::End::kNone) {
        abandoned_[conn] = "13.13";
        last_end_rule_ = "13.13";
        current_ = 0;
      } else if (timed) {
        // The rest arrives late: a client that keeps the connection reads
        // it as the answers to the requests it timed out on (13.13).
        std::string late = last.late;
        for (std::size_t i = end + 1; i < n && !plans[i].ends_stream; ++i) late += plans[i].bytes;
        if (!late.empty() && !ctx_.server().client_closed(conn)) {
          ctx_.log().info(conn, "the rest of the answers, late");
          if (!co_await send(conn, late, StreamShape::whole(), true)) co_return false;
        }
        after_stale_ = true;
      }
    } else if (s.extra_frame) {
      ctx_.log().info(conn, "a frame nobody asked for");
      if (!co_await send(conn, stale, StreamShape::whole())) co_return false;
      after_stale_ = true;
    }
    co_return true;
  }

  // The rule of the first item of a result that the pattern refuses.
  std::string result_rule(const ClientStep& s, const AdapterResult& got,
                          const ResultPattern& want) const {
    if (want.kind != ResultPattern::Kind::kBatch) return item_rule(s, 0);
    if (got.kind != AdapterResult::Kind::kBatch || got.results.size() != want.items.size()) {
      return "13.3";
    }
    for (std::size_t i = 0; i < want.items.size(); ++i) {
      if (!result_matches(want.items[i], got.results[i])) return item_rule(s, i);
    }
    return item_rule(s, 0);
  }

  // Sends `bytes` on `conn`; false (with the failure or the note set) if
  // the client did not read them or the harness failed. Late answers go to
  // a client that reported its result and need not be reading.
  asio::awaitable<bool> send(int conn, std::string_view bytes, const StreamShape& shape,
                             bool late = false) {
    if (bytes.empty()) co_return true;
    if (const Check failed = co_await ctx_.reply(conn, bytes, shape)) {
      if (failed->result == Result::kError || late) co_return inconclusive(failed->observed);
      co_return fail(ClientFailureKind::kHang, "13.2", failed->expected, failed->observed);
    }
    co_return true;
  }

  // Drips `bytes` over three client timeouts while waiting for the result.
  asio::awaitable<std::optional<AdapterResult>> drip_and_wait(int conn, const std::string& bytes,
                                                              milliseconds bound,
                                                              const std::string& rule,
                                                              const ResultPattern& want) {
    const milliseconds total = options().client_timeout * 3;
    const StreamShape shape = drip_over(bytes.size(), total, 24);
    ctx_.log().info(conn, fmt::format("the answer in {} writes {} ms apart", shape.cuts.size() + 1,
                                      shape.gap.count()));
    auto [sent, got] =
        co_await (ctx_.reply(conn, bytes, shape) && result(bound + total, rule, want));
    if (sent && sent->result == Result::kError && !run_.failure) {
      inconclusive(sent->observed);
      co_return std::nullopt;
    }
    co_return got;
  }

  asio::awaitable<void> no_stray_request() {
    const RequestEvent event = co_await ctx_.server().next_request(milliseconds(20));
    if (event.kind == RequestEvent::Kind::kTimeout) co_return;
    fail(ClientFailureKind::kRequest, "13.13", "no request that no command asked for",
         event.kind == RequestEvent::Kind::kRequest
             ? fmt::format("on connection {}: the request {}", event.conn,
                           describe_message(event.message))
             : fmt::format("on connection {}: {}", event.conn, event.text));
  }

  ClientCaseContext& ctx_;
  const ClientProgram& program_;
  ClientProgramRun run_;
  ModelStore store_;
  int step_ = 0;
  int current_ = 0;                       // The connection the client last used, 0 if none.
  std::map<int, std::string> abandoned_;  // Connections the client must not use: the rule.
  bool after_stale_ = false;              // Stale bytes may still be about (13.13).
  std::string last_end_rule_;             // The rule after the last step ended a connection.
};

}  // namespace

asio::awaitable<ClientProgramRun> run_client_program(ClientCaseContext& ctx,
                                                     const ClientProgram& program) {
  ProgramRunner runner(ctx, program);
  co_return co_await runner.run();
}

}  // namespace kv
