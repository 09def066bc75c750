#include "conformance/client/client_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>

#include "conformance/client/adapter_process.h"
#include "conformance/client/scripted_server.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// The scripted server decodes requests up to the default maximum plus room
// for a PUT's key and fields: the client's requests are not limited by the
// maximum it applies to responses.
constexpr std::uint32_t kMaxRequestLen = kDefaultMaxFrameLen + 1024;

// A port of 127.0.0.1 that nothing listens on: bound, read, and released.
std::uint16_t unused_port(asio::any_io_executor executor) {
  asio::ip::tcp::acceptor probe(executor);
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint local(asio::ip::make_address_v4("127.0.0.1"), 0);
  probe.open(local.protocol(), ec);
  if (!ec) probe.bind(local, ec);
  const std::uint16_t port = ec ? 1 : probe.local_endpoint(ec).port();
  probe.close(ec);
  return port;
}

asio::awaitable<Verdict> run_guarded(const ClientCaseDef& def, ClientCaseContext& ctx) {
  // Every step has its own bound; this one catches a case that chains so
  // many steps that it would run unreasonably long.
  asio::steady_timer hard_stop(co_await asio::this_coro::executor);
  const std::chrono::milliseconds deadline = ctx.options().scaled(std::chrono::seconds(120));
  hard_stop.expires_after(deadline);
  try {
    auto outcome = co_await (def.run(ctx) || hard_stop.async_wait(kTuple));
    if (outcome.index() == 1) {
      co_return error_verdict(
          fmt::format("the case exceeded its overall deadline of {} ms", deadline.count()));
    }
    co_return std::get<0>(std::move(outcome));
  } catch (const std::exception& e) {
    co_return error_verdict(std::string("the harness threw: ") + e.what());
  }
}

void apply_known_failing(const KnownFailingList& list, CaseReport& report) {
  const KnownFailure* known = list.find(report.id);
  if (known == nullptr) return;
  if (report.result == Result::kFail || report.result == Result::kLenient) {
    report.result = Result::kKnownFailing;
    report.notes.push_back(fmt::format("known failing (line {} of the list: '{}'): {}", known->line,
                                       known->glob, known->reason));
  } else if (report.result == Result::kPass) {
    report.notes.push_back(fmt::format(
        "listed as known failing (line {}: '{}') but now passes: remove it from the list",
        known->line, known->glob));
  }
}

// Starts the server and the adapter, runs the case, ends both.
asio::awaitable<Verdict> run_with_adapter(const ClientSuiteConfig& config, const ClientCaseDef& def,
                                          WireLog& log, std::vector<std::string>& notes) {
  const auto executor = co_await asio::this_coro::executor;
  const ClientRunOptions& options = config.options;
  std::string error;
  std::unique_ptr<ScriptedServer> server =
      ScriptedServer::listen(executor, log, kMaxRequestLen, error);
  if (!server) co_return error_verdict(error);
  AdapterPlaceholders values{"127.0.0.1", server->port(), options.client_timeout,
                             options.client_max_frame_bytes};
  if (def.unreachable_server) {
    values.port = unused_port(executor);
    log.info(0, fmt::format("the adapter is pointed at 127.0.0.1:{}, where nothing listens",
                            values.port));
  }
  std::unique_ptr<AdapterProcess> adapter =
      AdapterProcess::start(executor, expand_adapter_command(options.command, values), log, error);
  if (!adapter) co_return error_verdict(error);
  ClientCaseContext ctx(options, def.id, log, *server, *adapter);
  Verdict verdict = co_await run_guarded(def, ctx);
  std::string note;
  const Check crash = co_await adapter->finish(options.scaled(std::chrono::seconds(1)), note);
  if (crash && verdict.result == Result::kPass) verdict = *crash;
  if (crash && verdict.result != Result::kPass) notes.push_back(crash->observed);
  if (!note.empty()) notes.push_back(note);
  server->stop();
  co_return verdict;
}

asio::awaitable<CaseReport> run_one(const ClientSuiteConfig& config, const ClientCaseDef& def) {
  CaseReport report;
  report.id = def.id;
  report.rule = def.rule();
  report.level = def.level;
  report.title = def.quote;
  report.rerun =
      fmt::format("{} --cases '{}' --seed {} -v", config.rerun_prefix, def.id, config.options.seed);
  if (const auto glob = first_match(config.exclude, def.id)) {
    report.result = Result::kSkip;
    report.notes.push_back(fmt::format("excluded by --exclude '{}'", *glob));
    co_return report;
  }
  WireLog log;
  Verdict verdict = co_await run_with_adapter(config, def, log, report.notes);
  report.result = verdict.result;
  report.expected = std::move(verdict.expected);
  report.observed = std::move(verdict.observed);
  report.duration_ms = log.elapsed_ms();
  report.wire_log = log.entries();
  if (report.result == Result::kFail && def.level == Level::kShould) {
    report.result = Result::kLenient;
  }
  apply_known_failing(config.known_failing, report);
  co_return report;
}

}  // namespace

asio::awaitable<std::vector<CaseReport>> run_client_cases(
    const ClientSuiteConfig& config, const std::vector<const ClientCaseDef*>& cases,
    ClientCaseFinished on_finished) {
  std::vector<CaseReport> reports(cases.size());
  std::size_t next = 0;
  std::size_t done = 0;
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer all_done(executor);
  all_done.expires_at(asio::steady_timer::time_point::max());
  const int jobs = std::max(1, config.jobs);
  int workers = jobs;
  for (int w = 0; w < jobs; ++w) {
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          while (next < cases.size()) {
            const std::size_t i = next++;
            reports[i] = co_await run_one(config, *cases[i]);
            ++done;
            if (on_finished) on_finished(reports[i], done, cases.size());
          }
          if (--workers == 0) all_done.cancel();
        },
        asio::detached);
  }
  while (workers > 0) co_await all_done.async_wait(kTuple);
  co_return reports;
}

}  // namespace kv
