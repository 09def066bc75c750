#include "conformance/differential/differential.h"

#include <fmt/format.h>

#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <optional>
#include <random>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "conformance/engine/interrupts.h"
#include "conformance/engine/run_control.h"
#include "conformance/engine/verdicts.h"
#include "conformance/wire/messages.h"
#include "conformance/wire/wire_session.h"

namespace kv {

namespace asio = boost::asio;

namespace {

std::string put_body(const std::string& key_field, std::string_view value, std::uint32_t kind) {
  return key_field + pb_bytes_field(2, value) + pb_varint_field(3, kind);
}

// The key is spliced in per target; the template holds the field as a
// placeholder that build_body() replaces.
constexpr std::string_view kKeyMark = "\x01KEY\x01";

std::string build_body(const DifferentialStep& step, const std::string& prefix) {
  std::string body = step.body_template;
  const std::size_t at = body.find(kKeyMark);
  if (at != std::string::npos)
    body.replace(at, kKeyMark.size(), pb_bytes_field(1, prefix + step.key));
  return body;
}

std::string normalise(const ReadEvent& event, const std::string& prefix) {
  if (event.kind != ReadEventKind::kFrame) return describe_event(event);
  Message m = event.message;
  if (m.key().starts_with(prefix)) m.set_key("<prefix>" + m.key().substr(prefix.size()));
  return describe_message(m);
}

}  // namespace

std::vector<DifferentialStep> make_differential_script(std::uint64_t seed, std::size_t steps) {
  std::mt19937_64 rng(seed);
  const std::vector<std::string> keys = {"a", "b", "c", "@EOF@", ""};
  const std::vector<std::string> values = {
      "", "1", "two", "@EOF@ inside", "ünïcødé", std::string(300, 'z')};
  const std::uint32_t odd_kinds[] = {0, 2, 4, 0xFFFFFFFFU};
  std::vector<DifferentialStep> script;
  for (std::size_t i = 0; i < steps; ++i) {
    const std::string& key = keys[rng() % keys.size()];
    const std::string& value = values[rng() % values.size()];
    const std::string mark(kKeyMark);
    const unsigned pick = rng() % 100;
    if (pick < 40) {
      script.push_back({fmt::format("PUT {}={}", quote_bytes(key), quote_bytes(value)),
                        put_body(mark, value, kKindPutOrUpdate), key});
    } else if (pick < 80) {
      script.push_back(
          {fmt::format("GET {}", quote_bytes(key)), mark + pb_varint_field(3, kKindGet), key});
    } else if (pick < 92) {
      const std::uint32_t kind = odd_kinds[rng() % 4];
      script.push_back({fmt::format("kind {} with key {}", kind, quote_bytes(key)),
                        put_body(mark, value, kind), key});
    } else {
      script.push_back({fmt::format("PUT {} with invalid UTF-8 in the value", quote_bytes(key)),
                        put_body(mark, "bad\xff", kKindPutOrUpdate), key});
    }
  }
  return script;
}

namespace {

// The normalised responses of `target` to `script`, on one connection, in
// order; the stream ends at the first event that is no response frame, or
// when the run must stop. Sets `error` when the target cannot be reached.
asio::awaitable<std::vector<std::string>> response_stream(
    const DifferentialTarget& target, const std::vector<DifferentialStep>& script,
    const std::string& prefix, const RunOptions& options, const RunControl& control,
    std::string& error) {
  std::vector<std::string> responses;
  WireLog log;
  ConnectResult connected = co_await WireSession::connect(
      target.endpoint, log, 1, options.response_timeout(), options.max_frame_bytes);
  if (!connected.session) {
    error = connected.error;
    co_return responses;
  }
  for (const DifferentialStep& step : script) {
    if (control.stopping()) break;
    ReadEvent event;
    if (const Check sent = co_await connected.session->send(
            encode_raw_frame_to_string(build_body(step, prefix)), options.response_timeout())) {
      event.kind = ReadEventKind::kIoError;
      event.detail = sent->observed;
    } else {
      event = co_await connected.session->read_frame(options.response_timeout());
    }
    responses.push_back(normalise(event, prefix));
    if (event.kind != ReadEventKind::kFrame) break;
  }
  co_return responses;
}

// The first difference between stream 0 and another, as the case's
// verdict; std::nullopt when every stream agrees.
std::optional<Verdict> first_difference(const DifferentialConfig& config,
                                        const std::vector<DifferentialStep>& script,
                                        const std::vector<std::vector<std::string>>& streams) {
  for (std::size_t t = 1; t < streams.size(); ++t) {
    const std::size_t n = std::max(streams[0].size(), streams[t].size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto at = [&](std::size_t s) {
        return i < streams[s].size() ? streams[s][i] : std::string("(no response: stream ended)");
      };
      if (at(0) == at(t)) continue;
      return fail_verdict(
          fmt::format("the response of {} to request {} of {} ({})", config.targets[t].name, i + 1,
                      script.size(), i < script.size() ? script[i].description : "?"),
          fmt::format("{}: {}; {}: {}", config.targets[0].name, at(0), config.targets[t].name,
                      at(t)));
    }
  }
  return std::nullopt;
}

RunReport blank_differential_report(const DifferentialConfig& config) {
  RunReport report;
  for (const DifferentialTarget& target : config.targets) {
    report.target += (report.target.empty() ? "" : " ") + target.name;
  }
  report.profile = "differential";
  report.seed = config.options.seed;
  report.started = iso_utc_now();
  CaseReport c;
  c.id = "differential";
  c.title = "one seeded request script gives the same responses from every target";
  c.rerun = fmt::format("{} --steps {} --seed {}", config.rerun_prefix, config.steps,
                        config.options.seed);
  report.cases.push_back(std::move(c));
  return report;
}

}  // namespace

asio::awaitable<RunReport> differential_report(const DifferentialConfig& config, std::FILE* out) {
  const auto start = std::chrono::steady_clock::now();
  RunControl control(
      co_await asio::this_coro::executor,
      std::chrono::milliseconds(static_cast<long long>(config.time_budget_s * 1000)));
  InterruptHandler interrupts(co_await asio::this_coro::executor, control);
  RunReport report = blank_differential_report(config);
  CaseReport& c = report.cases.front();
  const std::vector<DifferentialStep> script =
      make_differential_script(config.options.seed, config.steps);
  const auto nonce = std::chrono::system_clock::now().time_since_epoch().count();
  std::vector<std::vector<std::string>> streams;
  for (std::size_t t = 0; t < config.targets.size() && report.aborted.empty(); ++t) {
    const DifferentialTarget& target = config.targets[t];
    const std::string prefix = fmt::format("diff/{}/{}/t{}/", config.options.seed, nonce, t);
    std::string error;
    const auto started = std::chrono::steady_clock::now();
    streams.push_back(
        co_await response_stream(target, script, prefix, config.options, control, error));
    if (!error.empty()) {
      report.aborted = fmt::format("target {} unreachable: {}", target.name, error);
      fmt::print(out, "kvconform: {}\n", report.aborted);
      break;
    }
    fmt::print(out, "  {}: {} responses in {:.0f} ms\n", target.name, streams.back().size(),
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                   .count());
  }
  report.interrupted_by = control.interrupted_by();
  if (!report.aborted.empty() || control.stopping()) {
    mark_not_run(c, report.aborted.empty() ? control.stop_reason() : "not run: " + report.aborted);
  } else if (const std::optional<Verdict> difference = first_difference(config, script, streams)) {
    apply_verdict(c, *difference);
    fmt::print(out, "DIFFERENCE (seed {}): {}\n  {}\n", config.options.seed, c.expected,
               c.observed);
  } else {
    c.notes.push_back(
        fmt::format("{} targets, {} requests each", config.targets.size(), script.size()));
    fmt::print(out, "all {} targets gave identical response streams for {} requests (seed {})\n",
               config.targets.size(), script.size(), config.options.seed);
  }
  report.statistics.group("differential")
      .set("requests in the script", static_cast<double>(script.size()));
  finish_report(report, {}, {}, start);
  co_return report;
}

asio::awaitable<int> run_differential(const DifferentialConfig& config, std::FILE* out) {
  const RunReport report = co_await differential_report(config, out);
  co_return report.exit_code();
}

}  // namespace kv
