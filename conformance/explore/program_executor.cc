#include "conformance/explore/program_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <memory>

#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/explore/body_forms.h"
#include "conformance/explore/request_classes.h"
#include "conformance/explore/request_encoding.h"
#include "conformance/engine/liveness.h"
#include "conformance/engine/target.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/wire_session.h"

namespace kv {

namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Connection numbers in the wire log besides the program's (1, 2, ...).
constexpr int kChurnConnection = 80;
// The most connections one churn step opens: enough to pass the 1024
// connection slots of a server (SPEC 12.3) that leaks one per connection.
constexpr int kMaxChurn = 2500;
// Churns up to this many connections end them without waiting for the
// server (see churn()).
constexpr int kUnpacedChurn = 100;
constexpr int kFinalReadConnection = 90;
// A send that has not finished after this long makes the client read the
// responses due meanwhile: the server may stop reading while its output
// is backed up (SPEC 8.1).
constexpr Millis kDrainAfter{300};
constexpr Millis kDrainPoll{100};
// Sends to a connection the sequential server has not accepted yet stay
// below this, so that they fit in the kernel's buffers.
constexpr std::size_t kQueuedSendLimit = 8 * 1024;
// A response larger than this, or a pipeline longer than this, is given
// the bulk timeout.
constexpr std::size_t kBulkValueBytes = 256 * 1024;
constexpr std::size_t kBulkPipeline = 300;
// A read that has taken this many bytes of responses, all due when it
// began, read a backlog larger than the socket buffers hold while the
// client was not reading: a response missing after it was dropped under
// backpressure (SPEC 8.1).
constexpr std::size_t kBackedUpBytes = 1024 * 1024;
// A slow read pauses between its first responses only, so that a slow
// read of a long pipeline stays short.
constexpr int kSlowReads = 20;
// The pause before the final reads when the client closed a connection in
// the middle of a frame.
constexpr Millis kAfterTruncation{50};
// A connection quiet for this long before a step that finds it closed was
// closed for being idle, though its idle timeout had not passed (SPEC 9.4).
constexpr Millis kQuietSpell{1500};
// A pause step ends at least this long before the longest quiet spell 9.4
// judges, so that the step after it still falls within it.
constexpr Millis kPauseMargin{700};
// The terminate step (SPEC 12.5, 12.6). The connection that never reads,
// and the value its GETs ask for.
constexpr int kStuckConnection = 85;
constexpr std::size_t kStuckValueBytes = 64 * 1024;
// Left for what was sent to reach the server before the signal.
constexpr Millis kBeforeSignal{100};
// Added to the scaled drain time (SPEC 12.5) and to the scaled second of
// SPEC 12.6 before a server that has not exited fails. Wider than the
// fixed cases' grace: explore runs beside other work by design, and on a
// loaded 2-core machine a niced server was seen to need more than 500 ms
// beyond its drain time to exit. A server that ignores the second signal
// still fails: its drain ends 2.6 s or more after that signal.
constexpr Millis kDrainExitGrace{2000};
constexpr Millis kSecondSignalExitGrace{1000};
// A connection whose requests since the last answered one add up to at
// most this many bytes has them all in the server's receive buffer when
// the signal comes, so a drain must answer every one. Larger sends may
// still be on their way (a read during the drain may find no byte while
// the rest is in transit), and are not held against the server.
constexpr std::size_t kDrainedForSure = 32 * 1024;
// How often the reader looks at each connection during a terminate step.
constexpr Millis kTerminatePoll{10};

struct Conn {
  int id = 0;
  std::unique_ptr<WireSession> session;
  enum class State { kNone, kOpen, kHalfClosed } state = State::kNone;
  std::deque<Expectation> due;         // Whole requests whose response is due, in order.
  std::optional<Expectation> partial;  // The request whose last bytes are held back.
  std::string held;                    // Those bytes.
  std::deque<std::pair<ReadEvent, double>> inbox;  // Read while a send was blocked.
  Clock::time_point last_send;
  // How long before the current step the client last sent a byte: a close
  // after a long quiet spell is judged by 9.4.
  Clock::duration quiet_before_step{};
  // The same before the last send step: a close seen by the reads of its
  // answers, soon after, is judged by 9.4 too.
  Clock::duration quiet_before_send{};
  std::uint64_t order = 0;  // When it was opened (the sequential server serves in this order).
  int answered = 0;         // Responses read on it.
  bool queued = false;      // Sequential: opened while another connection was served.
  // Bytes sent since the responses due were last all read (terminate).
  std::size_t unanswered_bytes = 0;
};

// A send in progress, shared by the writer and the reader that drains
// responses while the writer is blocked.
struct SendState {
  // Responses the send may bring besides those already due: one per frame
  // it carries (and the NotOk of a framing error). A server may answer a
  // frame as soon as it has read it, before the whole send is written.
  std::size_t answers = 0;
  bool done = false;
  std::size_t written = 0;
  std::string error;
  asio::steady_timer* wake = nullptr;
};

// Adds the time from its construction to its destruction to a statistic.
class TimeSpent {
 public:
  TimeSpent(ExploreStatistics& stats, std::string_view group, std::string_view what)
      : stats_(stats), group_(group), what_(what), start_(Clock::now()) {}
  TimeSpent(const TimeSpent&) = delete;
  TimeSpent& operator=(const TimeSpent&) = delete;
  ~TimeSpent() {
    stats_.add_time(group_, what_,
                    std::chrono::duration<double, std::milli>(Clock::now() - start_).count());
  }

 private:
  ExploreStatistics& stats_;
  std::string_view group_;
  std::string_view what_;
  Clock::time_point start_;
};

class Executor {
 public:
  explicit Executor(const ExecutorConfig& config)
      : config_(config),
        options_(config.options),
        model_(config.strict, KeySpace::tagged(config.key_prefix)) {}

  asio::awaitable<ProgramRun> run(const Program& program) {
    ProgramRun run;
    for (const Step& s : program.steps) {
      if (s.conn >= 0 && static_cast<std::size_t>(s.conn) >= conns_.size()) {
        conns_.resize(s.conn + 1);
      }
    }
    for (std::size_t i = 0; i < conns_.size(); ++i) conns_[i].id = static_cast<int>(i) + 1;
    for (std::size_t i = 0; i < program.steps.size() && !failure_ && !terminated_; ++i) {
      step_ = static_cast<int>(i);
      const double t0 = now();
      stats_.add(kStatSteps, name_of(program.steps[i].action));
      {
        const TimeSpent spent(stats_, kStatTime, step_time_name(program.steps[i].action));
        co_await execute(program.steps[i]);
      }
      if (std::getenv("KV_EXPLORE_TRACE") != nullptr && now() - t0 > 200) {
        fmt::print("   slow step {:.0f} ms: {}\n", now() - t0,
                   describe_step(program.steps[i]).substr(0, 200));
      }
      ++run.steps;
    }
    step_ = -1;
    if (!failure_) {
      const TimeSpent spent(stats_, kStatTime, "after the steps: drain, final reads, histories");
      co_await epilogue();
    }
    for (Conn& c : conns_) {
      if (c.session) c.session->close();
    }
    log_.info(0, "liveness check: PUT and GET on a fresh connection (connection 99)");
    Liveness alive;
    {
      const TimeSpent spent(stats_, kStatTime, "liveness checks");
      alive = co_await check_liveness(opts(), log_, config_.key_prefix + "live");
    }
    stats_.judged("7.2");
    if (!alive.alive) {
      run.server_down = true;
      std::string observed = "after the program, " + alive.problem;
      if (failure_) {
        observed += fmt::format(" (first symptom, at step {}: {} — {})", failure_->step + 1,
                                failure_->expected, failure_->observed);
      }
      failure_ =
          ExploreFailure{"7.2", Level::kMust, failure_ ? failure_->step : -1,
                         "the server still serves a new connection after the program", observed};
    }
    run.failure = failure_;
    run.liveness = alive;
    run.wire_log = log_.entries();
    run.connections = opened_;
    run.requests = requests_;
    run.duration_ms = log_.elapsed_ms();
    stats_.add(kStatPrograms, failure_ ? "failed" : "passed");
    stats_.merge(model_.tally());
    run.stats = std::move(stats_);
    co_return run;
  }

 private:
  // The run's options; a terminate step may move the server to a new port.
  const RunOptions& opts() const { return options_; }

  static std::string_view step_time_name(StepAction action) {
    switch (action) {
      case StepAction::kSend:
        return "steps: send";
      case StepAction::kRead:
        return "steps: read";
      case StepAction::kReadSlowly:
        return "steps: read slowly";
      case StepAction::kReadPromptly:
        return "steps: read promptly";
      case StepAction::kPause:
        return "steps: pause";
      case StepAction::kHalfClose:
        return "steps: half-close";
      case StepAction::kClose:
      case StepAction::kReset:
        return "steps: close or reset";
      case StepAction::kChurn:
        return "steps: churn";
      case StepAction::kTerminate:
        return "steps: terminate";
    }
    return "steps: other";
  }

  // Counts what one request entry of a send step puts on the wire.
  void count_request(const Request& r) {
    stats_.add(kStatRequests, name_of(r.op), std::max<std::uint32_t>(1, r.repeat));
    if (r.op == RequestOp::kFramingError) {
      stats_.add(kStatFraming, name_of(r.framing));
      return;
    }
    if (r.op == RequestOp::kGarbageBody) return;
    stats_.add(kStatForms, name_of(r.form));
    if (r.op == RequestOp::kOtherKind && r.key.empty()) return;
    for (const std::string& family : key_families(r.key)) stats_.add(kStatKeys, family);
    if (r.op == RequestOp::kPut || !r.value.empty()) {
      for (const std::string& family : value_families(r)) stats_.add(kStatValues, family);
    }
  }
  double now() const { return log_.elapsed_ms(); }
  bool sequential() const { return opts().profile == Profile::kSequential; }

  void fail(std::string rule, std::string expected, std::string observed,
            Level level = Level::kMust) {
    if (failure_) return;
    failure_ =
        ExploreFailure{std::move(rule), level, step_, std::move(expected), std::move(observed)};
  }
  void fail(ExploreFailure f) {
    if (!failure_) failure_ = std::move(f);
  }

  // The connection the sequential server serves: the earliest opened of
  // those still open.
  const Conn* served() const {
    const Conn* first = nullptr;
    for (const Conn& c : conns_) {
      if (c.state != Conn::State::kNone && (first == nullptr || c.order < first->order)) first = &c;
    }
    return first;
  }
  bool may_read(const Conn& c) const {
    if (!sequential()) return true;
    const Conn* first = served();
    return first == nullptr || first == &c;
  }

  bool other_holds(const Conn& c) const {
    return std::any_of(conns_.begin(), conns_.end(), [&](const Conn& o) {
      return &o != &c && o.state != Conn::State::kNone && !o.held.empty();
    });
  }

  // The quiet spell for which closing the connection is an early idle
  // close (SPEC 9.4): the one before the current step, or, for a step soon
  // after a send, the one before that send (the step reads its answers);
  // zero if neither is at least kQuietSpell and under the limit.
  Clock::duration idle_spell(const Conn& c) const {
    const auto judged = [this](Clock::duration quiet) {
      return quiet >= kQuietSpell && quiet < opts().judged_quiet_limit();
    };
    if (judged(c.quiet_before_step)) return c.quiet_before_step;
    if (c.quiet_before_step < kQuietSpell && judged(c.quiet_before_send)) {
      return c.quiet_before_send;
    }
    return Clock::duration::zero();
  }
  bool quiet_spell(const Conn& c) const { return idle_spell(c) > Clock::duration::zero(); }

  // Whether another connection has responses due that it has not read.
  bool other_unread(const Conn& c) const {
    return std::any_of(conns_.begin(), conns_.end(), [&](const Conn& o) {
      return &o != &c && o.state != Conn::State::kNone && !o.due.empty();
    });
  }

  asio::awaitable<bool> open(Conn& c) {
    ConnectResult r = co_await WireSession::connect(
        opts().endpoint, log_, c.id, opts().response_timeout(), opts().max_frame_bytes);
    if (!r.session) {
      fail("7.1", "a new connection is accepted", r.error);
      co_return false;
    }
    ++opened_;
    stats_.add(kStatConnections, "opened");
    stats_.judged("7.1");
    const bool queued = sequential() && served() != nullptr;
    Conn fresh;
    fresh.id = c.id;
    fresh.session = std::move(r.session);
    c = std::move(fresh);
    c.queued = queued;
    c.state = Conn::State::kOpen;
    c.order = ++order_;
    c.last_send = Clock::now();
    co_return true;
  }

  // Gives up the held bytes: the frame they end is truncated and must not
  // take effect (SPEC 6.5).
  void drop_partial(Conn& c) {
    if (c.partial && c.partial->op == RequestOp::kPut && !c.partial->bad_body) {
      model_.forbid(c.partial->key, c.partial->value, "6.5");
    }
    c.partial.reset();
    c.held.clear();
  }

  // The client closes or resets `c` with responses still due: the PUTs
  // among them may or may not have taken effect.
  void abandon(Conn& c) {
    for (const Expectation& e : c.due) {
      if (e.op == RequestOp::kPut) model_.taint(e.key);
    }
    c.due.clear();
    c.inbox.clear();
    drop_partial(c);
    c.state = Conn::State::kNone;
  }

  // A GET may answer a large value stored earlier: once the program has
  // sent one, every response gets the bulk timeout.
  Millis timeout_for(const Conn& c, const Expectation& e) const {
    if (big_values_ || e.value.size() > kBulkValueBytes || c.due.size() > kBulkPipeline) {
      return opts().bulk_timeout();
    }
    return opts().response_timeout();
  }

  asio::awaitable<std::pair<ReadEvent, double>> next_event(Conn& c, Millis timeout) {
    if (!c.inbox.empty()) {
      auto front = std::move(c.inbox.front());
      c.inbox.pop_front();
      co_return front;
    }
    ReadEvent event = co_await c.session->read_frame(timeout);
    co_return std::pair{std::move(event), now()};
  }

  static bool is_end(const ReadEvent& e) {
    return e.kind == ReadEventKind::kEof || e.kind == ReadEventKind::kReset ||
           e.kind == ReadEventKind::kIoError;
  }

  // Reads every response due on `c`, `gap_ms` apart, judging each.
  // `prompt` (concurrent profile only): each response within the response
  // timeout, whatever large values the program stored (SPEC 11.4).
  asio::awaitable<void> read_due(Conn& c, int gap_ms, bool prompt = false) {
    if (c.state == Conn::State::kNone || !may_read(c)) co_return;
    if (c.due.empty()) co_return;
    if (gap_ms > 0) stats_.judged("9.3");
    if (c.queued) stats_.judged("11.2");
    if (!sequential() && other_holds(c)) stats_.judged("11.3");
    if (!sequential() && other_unread(c)) stats_.judged("11.4");
    int slow_reads = 0;
    std::size_t read_bytes = 0;  // Keys and values of the responses read so far.
    while (!c.due.empty() && !failure_) {
      const Expectation e = c.due.front();
      auto [event, at] =
          co_await next_event(c, prompt ? opts().response_timeout() : timeout_for(c, e));
      c.due.pop_front();
      std::vector<const Expectation*> later;
      for (const Expectation& d : c.due) later.push_back(&d);
      if (auto f = model_.judge(e, event, at, later)) {
        // A missing response is named the same whether it shows as a
        // timeout or as the next response in its place.
        if ((event.kind == ReadEventKind::kTimeout || f->rule == "5.7") &&
            read_bytes >= kBackedUpBytes) {
          f->rule = "8.1";
          f->expected += fmt::format(
              " (after {} bytes of responses that waited for the client to read: a response "
              "the server cannot write at once waits, it is never dropped)",
              read_bytes);
        } else if (event.kind == ReadEventKind::kTimeout && other_holds(c) && !sequential()) {
          f->rule = "11.3";
          f->expected += " (another connection stalled in the middle of a frame must not delay it)";
        } else if (event.kind == ReadEventKind::kTimeout && other_unread(c) && !sequential()) {
          f->rule = "11.4";
          f->expected +=
              prompt ? fmt::format(" (within the response timeout, {} ms: another connection that "
                                   "leaves its responses unread must not delay it)",
                                   opts().response_timeout().count())
                     : std::string(" (another connection that does not read its responses must "
                                   "not delay it)");
        } else if (is_end(event) && c.state == Conn::State::kHalfClosed) {
          f->rule = "8.2";
          f->expected += " (every request before the client's FIN is answered)";
        } else if (is_end(event) && quiet_spell(c)) {
          f->rule = "9.4";
          f->expected += fmt::format(
              " (the connection was quiet for {} ms before this step or the send it reads the "
              "answers of, less than the idle timeout: the server must not close it)",
              std::chrono::duration_cast<Millis>(idle_spell(c)).count());
        } else if (is_end(event) && gap_ms > 0) {
          f->rule = "9.3";
          f->expected += " (the client is reading its responses: no timeout may close it)";
        } else if (is_end(event) && c.answered == 0 && c.queued) {
          f->rule = "11.2";
          f->expected += " (a connection that waited its turn is then served in full)";
        } else if (is_end(event) && c.answered == 0 && f->rule.rfind("5.", 0) == 0 &&
                   f->rule != "5.6") {
          f->rule = "7.1";
          f->expected += " (the server serves every connection it accepts)";
        }
        fail(std::move(*f));
        co_return;
      }
      ++c.answered;
      read_bytes += event.message.key().size() + event.message.value().size();
      if (c.due.empty()) c.unanswered_bytes = 0;
      if (gap_ms > 0 && !c.due.empty() && ++slow_reads < kSlowReads) {
        const TimeSpent spent(stats_, kStatWaits, "between slow reads");
        co_await pause(Millis(gap_ms));
      }
    }
  }

  // Reads what is due on a half-closed connection, then expects the
  // server to close it (SPEC 8.2, 6.5).
  asio::awaitable<void> settle(Conn& c, bool truncated) {
    co_await read_due(c, 0);
    if (failure_ || c.state != Conn::State::kHalfClosed) co_return;
    stats_.judged(truncated ? "6.5" : "8.2");
    auto [event, at] = co_await next_event(c, opts().response_timeout());
    if (!is_end(event)) {
      fail(truncated ? "6.5" : "8.2",
           fmt::format("after the client's FIN{} and the answers, the server closes the "
                       "connection (within {} ms here)",
                       truncated ? " in the middle of a frame" : "",
                       opts().response_timeout().count()),
           describe_event(event));
    }
    c.session->close();
    c.state = Conn::State::kNone;
  }

  // The writer half of a send: the planned writes, with their gaps.
  asio::awaitable<void> write_chunks(Conn& c, std::string bytes, std::vector<std::size_t> plan,
                                     Millis gap, SendState& st) {
    std::size_t offset = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (i > 0 && gap.count() > 0) {
        const TimeSpent spent(stats_, kStatWaits, "between the writes of a shape");
        co_await pause(gap);
      }
      Check sent = co_await c.session->send(std::string_view(bytes).substr(offset, plan[i]),
                                            opts().bulk_timeout());
      if (sent) {
        st.error = sent->observed;
        break;
      }
      offset += plan[i];
      st.written = offset;
    }
    st.done = true;
    if (st.wake != nullptr) st.wake->cancel();
  }

  // The reader half: once the writes have been blocked for a while, reads
  // the responses due, including those of the frames being sent, so that a
  // server that stops reading while its output is backed up (SPEC 8.1) can
  // go on: a pipeline that GETs a large value and then carries on sending
  // would otherwise block both sides until an idle timeout (9.1).
  asio::awaitable<void> drain_while_writing(Conn& c, SendState& st) {
    asio::steady_timer wake(co_await asio::this_coro::executor);
    st.wake = &wake;
    wake.expires_after(kDrainAfter);
    co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
    while (!st.done) {
      if (c.inbox.size() >= c.due.size() + st.answers) {
        wake.expires_after(kDrainPoll);
        co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      ReadEvent event = co_await c.session->read_frame(kDrainPoll);
      if (event.kind == ReadEventKind::kTimeout) continue;
      const bool end = is_end(event);
      c.inbox.emplace_back(std::move(event), now());
      if (end) break;
    }
    st.wake = nullptr;
  }

  // Sends `bytes` as `shape` plans while reading what is due and up to
  // `answers` responses more (see SendState::answers).
  asio::awaitable<SendState> send_shaped(Conn& c, std::string bytes, const StreamShape& shape,
                                         std::size_t answers) {
    SendState st;
    st.answers = answers;
    std::vector<std::size_t> plan = plan_writes(shape, bytes.size());
    c.last_send = Clock::now();
    co_await (write_chunks(c, std::move(bytes), std::move(plan), shape.gap, st) &&
              drain_while_writing(c, st));
    c.last_send = Clock::now();
    co_return st;
  }

  // Makes `c` ready for a send: open, not half-closed, not idle so long
  // that the server may have timed it out (SPEC 9.1).
  // Gives up a connection that has sent nothing for longer than the quiet
  // spells 9.4 judges (RunOptions::judged_quiet_limit, at least 60% of the
  // idle timeout): the server may close it before the step ends (SPEC
  // 9.1), so neither its answers still due nor its end can be judged any
  // more.
  void retire_if_idle(Conn& c) {
    const Clock::duration longest =
        std::max<Clock::duration>(opts().idle_timeout * 6 / 10, opts().judged_quiet_limit());
    if (c.state == Conn::State::kNone || Clock::now() - c.last_send <= longest) return;
    log_.info(c.id,
              "sent nothing for longer than the idle spells 9.4 judges: given up, its "
              "answers unjudged");
    abandon(c);
    c.session->close();
  }

  asio::awaitable<bool> ready(Conn& c) {
    retire_if_idle(c);
    if (c.state == Conn::State::kHalfClosed && !may_read(c)) {
      // The sequential server has not served it yet, and may not before
      // the idle timeout (SPEC 11.2): give it up rather than wait.
      log_.info(c.id, "half-closed and not served yet: closed and reopened");
      abandon(c);
      c.session->close();
    }
    if (c.state == Conn::State::kHalfClosed) {
      co_await settle(c, false);
      if (failure_) co_return false;
    }
    if (c.state == Conn::State::kNone) co_return co_await open(c);
    co_return true;
  }

  asio::awaitable<void> do_send(Conn& c, const Step& s) {
    if (!co_await ready(c)) co_return;
    if (sequential() && !may_read(c) &&
        std::any_of(s.requests.begin(), s.requests.end(),
                    [](const Request& r) { return r.op == RequestOp::kFramingError; })) {
      // Its close could not be timed: the server reads it only later.
      log_.info(c.id,
                "not sent: a framing error on a connection the sequential server has not "
                "accepted yet");
      co_return;
    }
    const double invoke = now();
    stats_.add(kStatShapes, name_of(s.shape.kind));
    if (s.shape.kind != ShapeKind::kWhole) stats_.judged("2.5");
    if (s.shape.kind == ShapeKind::kSlowDrip) stats_.judged("9.2");
    if (s.hold > 0) stats_.add(kStatShapes, "last bytes held back");
    if (s.requests.size() > 1 || s.requests.front().repeat > 1) stats_.judged("8.1");
    for (const Request& r : s.requests) {
      count_request(r);
      if (r.op == RequestOp::kFramingError) break;
    }
    std::string bytes = c.held;
    std::vector<std::pair<Expectation, std::size_t>> frames;  // Expectation, end offset.
    if (c.partial) frames.emplace_back(*c.partial, bytes.size());
    std::optional<std::size_t> bad_frame_at;
    for (const Request& r : s.requests) {
      if (r.op == RequestOp::kFramingError) {
        bad_frame_at = bytes.size();
        stats_.judged(r.framing == FramingClass::kBadFooter       ? "2.2"
                      : r.framing == FramingClass::kLengthTooSmall ? "2.3"
                                                                   : "3.2");
        if (r.framing == FramingClass::kBadFooter) {
          model_.forbid(request_key(r, config_.key_prefix, 0), r.value, "6.2");
        }
        bytes += encode_request(r, config_.key_prefix);
        ++requests_;
        break;
      }
      for (std::uint32_t i = 0; i < std::max<std::uint32_t>(1, r.repeat); ++i) {
        const Request one = concrete_copy(r, config_.key_prefix, i);
        bytes += encode_one(one);
        frames.emplace_back(model_.expect(r, one, step_, c.id, invoke), bytes.size());
        big_values_ |= one.value.size() > kBulkValueBytes;
        ++requests_;
      }
    }
    if (sequential() && !may_read(c) && bytes.size() > kQueuedSendLimit) {
      log_.info(c.id,
                "not sent: too large for a connection the sequential server has not "
                "accepted yet");
      co_return;
    }
    // The held bytes go out first, in this send.
    c.partial.reset();
    c.held.clear();
    std::size_t hold = 0;
    if (s.hold > 0 && !bad_frame_at && !frames.empty()) {
      const std::size_t last_start = frames.size() > 1 ? frames[frames.size() - 2].second : 0;
      const std::size_t last_size = frames.back().second - std::max(last_start, std::size_t{0});
      if (last_size > 1) hold = std::min<std::size_t>(s.hold, last_size - 1);
    }
    const std::string to_send = bytes.substr(0, bytes.size() - hold);
    const std::size_t answers = frames.size() - (hold > 0 ? 1 : 0) + (bad_frame_at ? 1 : 0);
    const SendState st = co_await send_shaped(c, to_send, s.shape.stream_shape(), answers);
    c.unanswered_bytes += to_send.size();
    if (hold > 0 && st.error.empty()) {
      c.partial = frames.back().first;
      c.held = bytes.substr(bytes.size() - hold);
      frames.pop_back();
    }
    for (const auto& [e, end] : frames) {
      if (end <= st.written || bad_frame_at) {
        model_.sent(e);
        c.due.push_back(e);
      } else if (e.op == RequestOp::kPut) {
        model_.taint(e.key);
      }
    }
    if (bad_frame_at) {
      co_await finish_framing_error(c);
      co_return;
    }
    if (st.error.empty()) co_return;
    // The server closed the connection in the middle of a valid stream.
    const bool slow = s.shape.stream_shape().gap.count() > 0;
    co_await read_due(c, 0);
    if (failure_) co_return;
    fail(slow                ? "9.2"
         : quiet_spell(c)    ? "9.4"
         : c.answered == 0   ? "7.1"
                             : "5.7",
         slow ? "a connection that delivers a byte at least every 100 ms is not timed out"
              : "the server reads every valid request it is sent and keeps the connection open",
         st.error);
  }

  // After a framing error: the complete requests before it are answered
  // (SPEC 6.3), then at most one error frame, then a close within the
  // bound (6.1). A reset may cut the answers short; that is not held
  // against the server.
  asio::awaitable<void> finish_framing_error(Conn& c) {
    stats_.judged("6.1");
    if (!c.due.empty()) stats_.judged("6.3");
    double since = now();
    while (!c.due.empty() && !failure_) {
      const Expectation e = c.due.front();
      auto [event, at] = co_await next_event(c, timeout_for(c, e));
      c.due.pop_front();
      if (event.kind == ReadEventKind::kReset) {
        log_.info(c.id, "reset before every answer arrived: the rest is not judged");
        abandon(c);
        co_return;
      }
      std::vector<const Expectation*> later;
      for (const Expectation& d : c.due) later.push_back(&d);
      if (auto f = model_.judge(e, event, at, later)) {
        f->rule = event.kind == ReadEventKind::kEof || event.kind == ReadEventKind::kTimeout
                      ? "6.3"
                      : f->rule;
        if (f->rule == "6.3") f->expected += " (before the close that follows a framing error)";
        fail(std::move(*f));
        co_return;
      }
      since = at;
    }
    const Millis bound = opts().close_bound();
    const auto left = [&] {
      return std::max(Millis(1), bound - Millis(static_cast<long long>(now() - since)));
    };
    const std::string expected = fmt::format(
        "within {} ms of the framing error: at most one error frame {}, then a close (SPEC 6.1)",
        bound.count(), describe_message(make_error_response()));
    auto [event, at] = co_await next_event(c, left());
    if (event.kind == ReadEventKind::kFrame && same_message(event.message, make_error_response())) {
      auto [second, when] = co_await next_event(c, left());
      if (!is_end(second)) {
        fail("6.1", expected,
             second.kind == ReadEventKind::kTimeout
                 ? "the error frame arrived, but the connection was not closed"
                 : "after the error frame: " + describe_event(second));
      }
    } else if (!is_end(event)) {
      fail("6.1", expected, describe_event(event));
    }
    abandon(c);
    c.session->close();
  }

  // A shortage on the client's side (no free local port, no descriptor)
  // that ends a churn without any fault of the server's.
  static bool client_shortage(std::error_code code) {
    return code == std::errc::address_not_available || code == std::errc::too_many_files_open ||
           code == std::errc::too_many_files_open_in_system ||
           code == std::errc::no_buffer_space || code == std::errc::not_enough_memory;
  }

  // Opens `count` short-lived connections and ends each as `end` says.
  // The server must go on serving (SPEC 7.2, 7.5: the liveness check after
  // the program asks), and a PUT cut short must not take effect (6.5).
  asio::awaitable<void> churn(int count, ChurnEnd end) {
    // Each connection's entries would drown the program's wire log.
    WireLog quiet;
    log_.info(kChurnConnection, fmt::format("{} connections ({}), logged here only in sum", count,
                                            name_of(end)));
    Request put;
    put.op = RequestOp::kPut;
    put.key = "churn";
    put.value = fmt::format("c{}", step_);
    const Request one = concrete_copy(put, config_.key_prefix, 0);
    Request get = one;
    get.op = RequestOp::kGet;
    get.value.clear();
    const bool mid_frame = end == ChurnEnd::kMidFrame || end == ChurnEnd::kResetMidFrame;
    const std::string bytes =
        mid_frame ? encode_one(one).substr(0, encode_one(one).size() - 3) : encode_one(get);
    if (mid_frame) model_.forbid(one.key, one.value, "6.5");
    stats_.judged("7.5");
    // Paced: past kUnpacedChurn connections, each ends with a FIN and the
    // next opens only once the server has closed this one. Unpaced, a
    // loaded server that has not yet seen thousands of ends would hold
    // more than its connection slots, and evict (SPEC 12.3) the program's
    // own idle connections: a legal close taken for a failure. A server
    // of the sequential profile closes nothing while it serves another
    // connection, so its churns stay short and unpaced.
    const bool reset = end == ChurnEnd::kReset || end == ChurnEnd::kResetMidFrame;
    if (sequential() || reset) count = std::min(count, kUnpacedChurn);
    const bool paced = count > kUnpacedChurn;
    int opened = 0;
    for (; opened < count && !failure_; ++opened) {
      ConnectResult r = co_await WireSession::connect(opts().endpoint, quiet, kChurnConnection,
                                                      opts().response_timeout(),
                                                      opts().max_frame_bytes);
      if (!r.session && client_shortage(r.code)) {
        log_.info(kChurnConnection,
                  fmt::format("the client ran short after {} connections ({}): the churn stops "
                              "here, which is no fault of the server's",
                              opened, r.error));
        break;
      }
      if (!r.session) {
        fail("7.1", "a new connection is accepted", r.error);
        break;
      }
      ++opened_;
      stats_.add(kStatConnections, fmt::format("churned, {}", name_of(end)));
      if (end != ChurnEnd::kFin && end != ChurnEnd::kReset) {
        // A server that has closed the connection already makes this
        // write fail; that is judged by the liveness check, not here.
        const Check sent = co_await r.session->send(bytes, opts().response_timeout());
        static_cast<void>(sent);
      }
      if (reset) {
        r.session->reset();
      } else if (!paced) {
        r.session->close();
      } else {
        // The server's close (after its answer, if any) is what paces the
        // churn; one that does not come within the response timeout ends
        // the wait, not the program: the liveness check judges the server.
        r.session->shutdown_send();
        const Clock::time_point until = Clock::now() + opts().response_timeout();
        while (Clock::now() < until) {
          const ReadEvent event = co_await r.session->read_frame(
              std::chrono::duration_cast<Millis>(until - Clock::now()));
          if (event.kind != ReadEventKind::kFrame && event.kind != ReadEventKind::kBadBody) break;
        }
        r.session->close();
      }
    }
    log_.info(kChurnConnection, fmt::format("{} connections opened and ended", opened));
    // A connection ended in the middle of a frame: give the server a
    // moment to see the end of its stream before the key is read back.
    closed_on_partial_ |= mid_frame;
  }

  asio::awaitable<void> execute(const Step& s) {
    Conn* c =
        s.conn >= 0 && static_cast<std::size_t>(s.conn) < conns_.size() ? &conns_[s.conn] : nullptr;
    if (c != nullptr && c->state != Conn::State::kNone) {
      retire_if_idle(*c);
      c->quiet_before_step = Clock::now() - c->last_send;
      if (s.action == StepAction::kSend) c->quiet_before_send = c->quiet_before_step;
      if (quiet_spell(*c)) stats_.judged("9.4");
    }
    switch (s.action) {
      case StepAction::kSend:
        if (c != nullptr && !s.requests.empty()) co_await do_send(*c, s);
        break;
      case StepAction::kRead:
        if (c != nullptr) co_await read_due(*c, 0);
        break;
      case StepAction::kReadPromptly:
        if (c != nullptr) {
          const bool prompt = !sequential();
          if (prompt && other_unread(*c) && may_read(*c) && !c->due.empty()) {
            stats_.add(kStatConnections, "read promptly while another left its answers unread");
          }
          co_await read_due(*c, 0, prompt);
        }
        break;
      case StepAction::kReadSlowly:
        // A tenth of the idle timeout at most, so that a pause can never
        // make a legal idle close (SPEC 9.1).
        if (c != nullptr) {
          const auto most =
              static_cast<int>(std::max<long long>(1, opts().idle_timeout.count() / 10));
          co_await read_due(*c, std::clamp(s.ms, 1, most));
        }
        break;
      case StepAction::kPause:
        {
          const TimeSpent spent(stats_, kStatWaits, "pause steps");
          // At most the longer of 55% of the idle timeout and the longest
          // quiet spell 9.4 judges less a margin for the step after the
          // pause: ready() gives up a connection quiet for longer.
          const int longest = static_cast<int>(
              std::max<long long>({1, opts().idle_timeout.count() * 55 / 100,
                                   (opts().judged_quiet_limit() - kPauseMargin).count()}));
          co_await pause(Millis(std::clamp(s.ms, 0, longest)));
        }
        break;
      case StepAction::kHalfClose:
        if (c != nullptr && c->state == Conn::State::kOpen) {
          const bool truncated = c->partial.has_value();
          stats_.add(kStatConnections, truncated ? "half-closed mid-frame" : "half-closed (FIN)");
          drop_partial(*c);
          c->session->shutdown_send();
          c->state = Conn::State::kHalfClosed;
          if (may_read(*c)) co_await settle(*c, truncated);
        }
        break;
      case StepAction::kClose:
      case StepAction::kReset:
        if (c != nullptr && c->state != Conn::State::kNone) {
          closed_on_partial_ |= c->partial.has_value();
          stats_.add(kStatConnections, fmt::format("{}{}", s.action == StepAction::kReset ? "reset (RST)" : "closed (FIN)",
                                                   c->partial ? " mid-frame" : ""));
          abandon(*c);
          if (s.action == StepAction::kReset) {
            stats_.judged("7.4");  // The liveness check after the program asks.
            c->session->reset();
          } else {
            c->session->close();
          }
        }
        break;
      case StepAction::kChurn:
        co_await churn(std::clamp(s.count, 0, kMaxChurn), s.churn_end);
        break;
      case StepAction::kTerminate:
        co_await terminate(s);
        break;
    }
  }

  // What one connection received from the first signal on.
  using Heard = std::vector<std::pair<ReadEvent, double>>;

  // Reads `watched` until each ends, or until the server has exited
  // (`done`) and nothing more came for the response timeout.
  asio::awaitable<void> listen_during_drain(std::vector<Conn*> watched, std::vector<Heard>& heard,
                                            const bool& done) {
    std::vector<bool> ended(watched.size(), false);
    std::optional<Clock::time_point> quiet_since;
    for (;;) {
      bool all_ended = true;
      bool got = false;
      for (std::size_t i = 0; i < watched.size(); ++i) {
        if (ended[i]) continue;
        all_ended = false;
        auto [event, at] = co_await next_event(*watched[i], kTerminatePoll);
        if (event.kind == ReadEventKind::kTimeout) continue;
        got = true;
        ended[i] = is_end(event);
        heard[i].emplace_back(std::move(event), at);
      }
      if (all_ended) co_return;
      if (got || !done) {
        quiet_since.reset();
      } else if (!quiet_since) {
        quiet_since = Clock::now();
      } else if (Clock::now() - *quiet_since > opts().response_timeout()) {
        co_return;
      }
    }
  }

  asio::awaitable<TerminateOutcome> signal_server(Target& target, TerminateRequest request,
                                                  bool& done) {
    TerminateOutcome out = co_await target.terminate(request);
    done = true;
    co_return out;
  }

  // Opens the connection that never reads and pipelines `count` GETs of a
  // large value on it, so that the drain cannot end by itself. Returns
  // false (with a failure) if the server did not take them.
  asio::awaitable<bool> stall_drain(Conn& stuck, int count) {
    if (!co_await open(stuck)) co_return false;
    Request put;
    put.op = RequestOp::kPut;
    put.key = "stuck";
    const Request one = concrete_copy(put, config_.key_prefix, 0);
    Request big = one;
    const std::uint32_t max = opts().max_frame_bytes;
    big.value = std::string(
        std::min(kStuckValueBytes, value_size_for_put_len(one.key, max)), 's');
    if (big.value.empty()) co_return true;
    stuck.due.push_back(model_.expect(put, big, step_, stuck.id, now()));
    const SendState put_sent = co_await send_shaped(stuck, encode_one(big), StreamShape::whole(), 1);
    model_.sent(stuck.due.back());
    if (!put_sent.error.empty()) {
      fail("7.1", "the server reads a PUT of a 64 KiB value", put_sent.error);
      co_return false;
    }
    co_await read_due(stuck, 0);
    if (failure_) co_return false;
    Request get = big;
    get.op = RequestOp::kGet;
    get.value.clear();
    std::string gets;
    for (int i = 0; i < count; ++i) gets += encode_one(get);
    log_.info(stuck.id, fmt::format("{} GETs of the {}-byte value, never read", count,
                                    big.value.size()));
    const Check sent = co_await stuck.session->send(gets, opts().bulk_timeout());
    static_cast<void>(sent);  // A server that stops reading is judged by the drain.
    co_return true;
  }

  // Judges what connection `c` received from the first signal on: the
  // answers due, the error response in place of a trailing partial frame,
  // then the end (SPEC 12.5). `strict`: the server surely had read every
  // byte of it, so nothing may be missing.
  void judge_drained(Conn& c, const Heard& heard, bool strict) {
    std::size_t k = 0;
    const std::size_t due = c.due.size();
    while (!c.due.empty() && !failure_) {
      if (k == heard.size() || is_end(heard[k].first)) {
        if (strict) {
          fail("12.5",
               fmt::format("on SIGTERM, every complete request the server read is answered before "
                           "its FIN: {} of {} still due on connection {}",
                           c.due.size(), due, c.id),
               k == heard.size() ? std::string("nothing more arrived")
                                 : describe_event(heard[k].first));
        }
        return;
      }
      const Expectation e = c.due.front();
      c.due.pop_front();
      std::vector<const Expectation*> later;
      for (const Expectation& d : c.due) later.push_back(&d);
      if (auto f = model_.judge(e, heard[k].first, heard[k].second, later)) {
        fail(std::move(*f));
        return;
      }
      ++k;
      ++c.answered;
    }
    if (failure_) return;
    const bool error_frame = k < heard.size() && heard[k].first.kind == ReadEventKind::kFrame &&
                             same_message(heard[k].first.message, make_error_response());
    if (c.partial) {
      if (error_frame) {
        ++k;
      } else if (strict) {
        fail("12.5",
             fmt::format("on SIGTERM, {} in place of the trailing partial frame (its last {} "
                         "bytes held back) on connection {}, then a FIN",
                         describe_message(make_error_response()), c.held.size(), c.id),
             k < heard.size() ? describe_event(heard[k].first) : std::string("nothing arrived"));
        return;
      }
    }
    if (k < heard.size() && !is_end(heard[k].first)) {
      fail("12.5",
           fmt::format("after the answers due on connection {}{}, a FIN and no other byte", c.id,
                       c.partial ? " and the error response for its partial frame" : ""),
           describe_event(heard[k].first));
    }
  }

  // The terminate step: SIGTERM, maybe a second one, the exit judged
  // (SPEC 12.5, 12.6), every connection the server serves read to its end
  // meanwhile, and a fresh server for the rest of the run.
  asio::awaitable<void> terminate(const Step& s) {
    Target* target = config_.target;
    if (target == nullptr || !target->started_here()) {
      log_.info(0, "terminate: not run, since kvconform did not start the server (--exec)");
      stats_.add(kStatShutdowns, "not run (no --exec)");
      co_return;
    }
    terminated_ = true;
    Conn stuck;
    stuck.id = kStuckConnection;
    // A sequential server would never serve the stuck connection while it
    // serves one of the program's.
    if (s.count > 0 && (!sequential() || served() == nullptr)) {
      if (!co_await stall_drain(stuck, std::min(s.count, 4096))) co_return;
    }
    co_await pause(opts().spec_bound(kBeforeSignal));
    // A server that no longer serves (a crash of an earlier step) is the
    // liveness check's to judge (SPEC 7.2), not the shutdown's.
    {
      WireLog quiet;
      const Liveness alive = co_await check_liveness(opts(), quiet, config_.key_prefix + "pre-term");
      if (!alive.alive) {
        log_.info(0, "terminate: not run, the server does not serve: " + alive.problem);
        stats_.add(kStatShutdowns, "not run (the server did not serve)");
        terminated_ = false;
        co_return;
      }
    }
    TerminateRequest request;
    request.first_signal = SIGTERM;
    if (s.ms > 0) request.second_after = Millis(s.ms);
    const Millis drain_bound = opts().spec_bound(opts().drain_time) + kDrainExitGrace;
    const Millis second_bound = opts().spec_bound(Millis(1000)) + kSecondSignalExitGrace;
    request.exit_within = s.ms > 0 ? second_bound : drain_bound;
    // The connections the server serves; a sequential server resets the
    // others when it exits (SPEC 12.5).
    std::vector<Conn*> watched;
    for (Conn& c : conns_) {
      if (c.state == Conn::State::kNone) continue;
      if (may_read(c)) {
        watched.push_back(&c);
      } else {
        abandon(c);
        c.session->close();
      }
    }
    std::vector<Heard> heard(watched.size());
    bool done = false;
    log_.info(0, fmt::format("terminate: SIGTERM to the server{}",
                             s.ms > 0 ? fmt::format(", a second {} ms later if it still runs", s.ms)
                                      : std::string()));
    const TerminateOutcome out = co_await (signal_server(*target, request, done) &&
                                           listen_during_drain(watched, heard, done));
    if (stuck.session) stuck.session->reset();
    options_.endpoint = target->endpoint();
    if (!out.error.empty()) {
      // The server is gone already (the liveness check after the program
      // judges that), or this system cannot signal it.
      log_.info(0, "terminate: not judged: " + out.error);
      stats_.add(kStatShutdowns, "not judged (no signal sent)");
      for (Conn* c : watched) {
        abandon(*c);
        c->session->close();
      }
      co_return;
    }
    const std::string rule = out.second_sent ? "12.6" : "12.5";
    stats_.judged("12.5");
    if (out.second_sent) stats_.judged("12.6");
    stats_.add(kStatShutdowns, out.second_sent ? "exit after a second SIGTERM" : "exit after one SIGTERM");
    log_.info(0, fmt::format("terminate: the server {}{}", out.exit_description,
                             out.exited ? fmt::format(", {:.0f} ms after the first SIGTERM", out.exit_ms)
                                        : std::string()));
    if (!out.exited) {
      fail(rule,
           out.second_sent
               ? fmt::format("the server exits within {} ms of the second SIGTERM (1 s x max(1, "
                             "scale) + {} ms grace)",
                             second_bound.count(), kSecondSignalExitGrace.count())
               : fmt::format("the server exits within {} ms of the SIGTERM (the drain time {} ms x "
                             "max(1, scale) + {} ms grace)",
                             drain_bound.count(), opts().drain_time.count(),
                             kDrainExitGrace.count()),
           "the server " + out.exit_description);
    } else if (!out.exit_code || *out.exit_code != 0) {
      fail(rule, "the server exits with status 0 after the SIGTERM" +
                     std::string(out.second_sent ? "s" : ""),
           "the server " + out.exit_description);
    }
    for (std::size_t i = 0; i < watched.size(); ++i) {
      Conn& c = *watched[i];
      // After a second signal the server closes without flushing: what
      // arrived is judged, what did not is not.
      const bool strict = !out.second_sent && c.answered > 0 &&
                          c.unanswered_bytes + c.held.size() <= kDrainedForSure;
      stats_.add(kStatShutdowns, strict ? "connections drained, judged in full"
                                        : "connections drained, judged as far as answered");
      if (!failure_) judge_drained(c, heard[i], strict);
      abandon(c);
      c.session->close();
    }
    if (!out.restart_error.empty()) {
      log_.info(0, "terminate: the server could not be started again: " + out.restart_error);
    } else if (!out.port_note.empty()) {
      log_.info(0, "terminate: " + out.port_note);
    }
  }

  // Drains every connection in the order the server serves them, then
  // reads every key back and checks the histories.
  asio::awaitable<void> epilogue() {
    std::vector<Conn*> live;
    for (Conn& c : conns_) {
      if (c.state != Conn::State::kNone) live.push_back(&c);
    }
    std::sort(live.begin(), live.end(),
              [](const Conn* a, const Conn* b) { return a->order < b->order; });
    for (Conn* c : live) {
      retire_if_idle(*c);
      if (c->state == Conn::State::kNone) continue;
      const bool truncated = c->partial.has_value();
      if (truncated && c->state == Conn::State::kOpen) {
        // End the stream inside the frame and wait for the server's close:
        // by then it has handled the truncation (SPEC 6.5).
        drop_partial(*c);
        c->session->shutdown_send();
        c->state = Conn::State::kHalfClosed;
      }
      co_await settle(*c, truncated);
      if (failure_) co_return;
      if (c->state != Conn::State::kNone) {
        drop_partial(*c);
        c->session->close();
        c->state = Conn::State::kNone;
      }
    }
    if (closed_on_partial_) {
      // A connection closed in the middle of a frame: give the server a
      // moment to see the end of its stream before reading the keys back.
      const TimeSpent spent(stats_, kStatWaits, "after a truncated frame");
      co_await pause(kAfterTruncation);
    }
    const std::vector<std::string> keys = model_.keys();
    if (!keys.empty() && !terminated_) {
      Conn final;
      final.id = kFinalReadConnection;
      log_.info(0, fmt::format("final reads: GET every key of the program on a fresh connection "
                               "({})",
                               kFinalReadConnection));
      if (!co_await open(final)) co_return;
      std::string bytes;
      const double invoke = now();
      for (const std::string& key : keys) {
        Request get;
        get.op = RequestOp::kGet;
        get.key = key;
        bytes += encode_one(get);
        final.due.push_back(model_.expect(get, get, -1, kFinalReadConnection, invoke));
      }
      const SendState st = co_await send_shaped(final, bytes, StreamShape::whole(), 0);
      if (!st.error.empty()) {
        fail("7.1", "the server reads the final GETs", st.error);
        co_return;
      }
      co_await read_due(final, 0);
      final.session->close();
      if (failure_) co_return;
    }
    if (auto f = model_.check_histories()) fail(std::move(*f));
  }

  const ExecutorConfig& config_;
  RunOptions options_;
  ExploreStatistics stats_;
  SpecModel model_;
  WireLog log_;
  std::vector<Conn> conns_;
  std::optional<ExploreFailure> failure_;
  int step_ = -1;
  std::uint64_t order_ = 0;
  std::size_t opened_ = 0;
  std::size_t requests_ = 0;
  bool big_values_ = false;
  bool closed_on_partial_ = false;
  // A terminate step ran: the server is a fresh one, so nothing the
  // program stored is there to read back.
  bool terminated_ = false;
};

}  // namespace

asio::awaitable<ProgramRun> run_program(const Program& program, const ExecutorConfig& config) {
  Executor executor(config);
  co_return co_await executor.run(program);
}

}  // namespace kv
