#include "conformance/client/client_runner.h"

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <memory>

#include "conformance/client/adapter_process.h"
#include "conformance/client/scripted_server.h"

namespace kv {

namespace asio = boost::asio;

namespace {

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
  Verdict verdict = co_await def.run(ctx);
  std::string note;
  const Check crash = co_await adapter->finish(options.scaled(std::chrono::seconds(1)), note);
  if (crash && verdict.result == Result::kPass) verdict = *crash;
  if (crash && verdict.result != Result::kPass) notes.push_back(crash->observed);
  if (!note.empty()) notes.push_back(note);
  server->stop();
  co_return verdict;
}

}  // namespace

ClientCaseSource::ClientCaseSource(const ClientSuiteConfig& config,
                                   std::vector<const ClientCaseDef*> cases)
    : config_(config), cases_(std::move(cases)) {}

std::vector<CheckSpec> ClientCaseSource::checks() const {
  std::vector<CheckSpec> specs;
  for (const ClientCaseDef* def : cases_) {
    CheckSpec spec{def->id, std::string(def->rule()), def->level, def->quote, {}, false, false, {}};
    if (const auto glob = first_match(config_.exclude, def->id)) {
      spec.skip_reason = fmt::format("excluded by --exclude '{}'", *glob);
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

asio::awaitable<Verdict> ClientCaseSource::run(std::size_t index, CheckRun& run) {
  co_return co_await run_with_adapter(config_, *cases_[index], run.log, run.notes);
}

}  // namespace kv
