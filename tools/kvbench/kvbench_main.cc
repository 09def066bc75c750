// kvbench: a closed-loop load generator for KV protocol servers and, with
// --protocol resp, for Redis. See --help, and bench/tradeoffs/ for the
// report built with it.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>

#include "codec/message.h"
#include "common/version.h"
#include "net/endpoint.h"
#include "tools/kvbench/bench_config.h"
#include "tools/kvbench/default_threads.h"
#include "tools/kvbench/load_run.h"
#include "tools/kvbench/run_stats.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadResponses = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

struct CommandLine {
  std::string target;
  std::string protocol = "kv";
  std::string ratio = "50:50";
  double duration_s = 5.0;
  std::uint64_t timeout_ms = 2000;
  std::string json_path;
  bool progress = false;
  bool idle = false;
  kv::BenchConfig config;
};

int fail(int code, const std::string& message) {
  std::cerr << "kvbench: " << message << '\n';
  return code;
}

void define_flags(CLI::App& app, CommandLine& line) {
  kv::BenchConfig& config = line.config;
  app.add_option("--target", line.target, "server address HOST:PORT")->required();
  app.add_option("--protocol", line.protocol, "wire protocol")
      ->check(CLI::IsMember({"kv", "resp"}))
      ->capture_default_str();
  app.add_option("--connections,-c", config.connections, "concurrent connections")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20U))
      ->capture_default_str();
  app.add_option("--pipeline,-P", config.pipeline, "requests in flight per connection")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 16U))
      ->capture_default_str();
  app.add_option("--duration", line.duration_s, "seconds of load (ignored with --requests)")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("--requests,-n", config.requests, "stop after this many requests in total");
  app.add_option("--ratio", line.ratio, "PUT:GET weights")->capture_default_str();
  app.add_option("--key-size", config.shape.key_size, "key bytes")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 16U))
      ->capture_default_str();
  app.add_option("--value-size", config.shape.value_size, "value bytes")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20U))
      ->capture_default_str();
  app.add_option("--keyspace", config.shape.keyspace, "distinct keys")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 26U))
      ->capture_default_str();
  app.add_option("--first-key", config.shape.first_key,
                 "number of the first key, so that runs sharing a server use disjoint keys")
      ->capture_default_str();
  app.add_option("--seed", config.seed, "random seed")->capture_default_str();
  app.add_option("--threads", config.threads,
                 "worker threads (default: one per CPU it may run on, less one when the "
                 "target is on this host, at least 1 and at most 2)")
      ->check(CLI::Range(1U, 256U));
  app.add_option("--timeout-ms", line.timeout_ms,
                 "a request unanswered this long is a timeout; its connection is dropped")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3600} * 1000))
      ->capture_default_str();
  app.add_option("--json", line.json_path, "also write the results as JSON to this file");
  app.add_flag("--progress", line.progress, "print a progress line each second on stderr");
  app.add_flag("--idle", line.idle,
               "open --connections connections, send nothing, hold them for --duration "
               "or until SIGTERM");
  app.footer(
      "Exit status: 0 all responses correct, 1 wrong responses, lost requests or "
      "timeouts, 2 bad command line or unreachable target, 3 internal failure.");
}

// Parses "P:G" into the two weights; false if malformed or both zero.
bool parse_ratio(const std::string& text, std::uint64_t& put, std::uint64_t& get) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) return false;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const auto first = std::from_chars(begin, begin + colon, put);
  const auto second = std::from_chars(begin + colon + 1, end, get);
  return first.ec == std::errc() && first.ptr == begin + colon && second.ec == std::errc() &&
         second.ptr == end && put + get > 0 && put <= 1000000 && get <= 1000000;
}

// Fills in the parts of the configuration that need more than CLI11's
// checks; returns an error message, or an empty string.
std::string finish_config(CommandLine& line, const CLI::App& app) {
  kv::BenchConfig& config = line.config;
  const std::optional<kv::Endpoint> endpoint = kv::parse_endpoint(line.target);
  if (!endpoint) return "--target must be HOST:PORT, got \"" + line.target + "\"";
  config.host = endpoint->host;
  config.port = endpoint->port;
  config.protocol = line.protocol == "kv" ? kv::WireProtocol::kKv : kv::WireProtocol::kResp;
  if (!parse_ratio(line.ratio, config.put_weight, config.get_weight)) {
    return "--ratio must be PUT:GET, two integers that are not both 0, got \"" + line.ratio + "\"";
  }
  config.duration =
      std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(line.duration_s * 1e9)));
  config.timeout = std::chrono::milliseconds(line.timeout_ms);
  if (app.count("--threads") == 0) {
    config.threads = kv::default_threads(kv::usable_cpus(), kv::is_loopback_host(config.host));
  }
  config.threads =
      static_cast<unsigned>(std::min<std::uint64_t>(config.threads, config.connections));
  if (line.idle) return {};
  return kv::check_workload_shape(config.shape, config.connections);
}

int write_json(const std::string& path, const nlohmann::json& json) {
  std::ofstream out(path);
  out << json.dump(2) << '\n';
  out.close();
  if (!out) return fail(kExitInternal, "cannot write " + path);
  return kExitOk;
}

int report(const kv::LoadOutcome& outcome, const CommandLine& line) {
  if (outcome.failure == kv::LoadFailure::kUnreachable) return fail(kExitUsage, outcome.message);
  if (outcome.failure == kv::LoadFailure::kInternal) return fail(kExitInternal, outcome.message);
  std::cout << kv::report_to_text(outcome.report, line.config) << std::flush;
  if (!line.json_path.empty()) {
    const int status = write_json(line.json_path, kv::report_to_json(outcome.report, line.config));
    if (status != kExitOk) return status;
  }
  const kv::RunStats& stats = outcome.report.stats;
  return stats.errors == 0 && stats.timeouts == 0 ? kExitOk : kExitBadResponses;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  CLI::App app{"kvbench: a closed-loop load generator for KV protocol servers and Redis"};
  CommandLine line;
  define_flags(app, line);
  app.set_version_flag("--version", kv::version_line("kvbench"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help_or_version) {
    return app.exit(help_or_version);
  } catch (const CLI::ParseError& error) {
    return fail(kExitUsage, error.what());
  }
  if (const std::string problem = finish_config(line, app); !problem.empty()) {
    return fail(kExitUsage, problem);
  }
  if (line.idle) return report(kv::hold_idle_connections(line.config), line);
  const bool progress = line.progress || ::isatty(STDERR_FILENO) != 0;
  return report(kv::run_load(line.config, progress), line);
}
