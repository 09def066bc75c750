#include "tools/kvbench/run_stats.h"

#include <fmt/format.h>

namespace kv {
namespace {

double to_us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

}  // namespace

void RunStats::merge(const RunStats& other) {
  responses += other.responses;
  errors += other.errors;
  timeouts += other.timeouts;
  get_hits += other.get_hits;
  get_misses += other.get_misses;
  latency.merge(other.latency);
  if (first_error.empty()) first_error = other.first_error;
}

void RunStats::add_error(std::uint64_t count, const std::string& description) {
  errors += count;
  if (first_error.empty()) first_error = description;
}

double RunReport::throughput() const {
  if (elapsed_seconds <= 0) return 0;
  return static_cast<double>(stats.responses) / elapsed_seconds;
}

nlohmann::json report_to_json(const RunReport& report, const BenchConfig& config) {
  const LatencyHistogram& latency = report.stats.latency;
  return {
      {"throughput", report.throughput()},
      {"p50_us", to_us(latency.value_at_quantile(0.50))},
      {"p99_us", to_us(latency.value_at_quantile(0.99))},
      {"p999_us", to_us(latency.value_at_quantile(0.999))},
      {"max_us", to_us(latency.max())},
      {"errors", report.stats.errors},
      {"timeouts", report.stats.timeouts},
      {"requests", report.stats.responses},
      {"get_hits", report.stats.get_hits},
      {"get_misses", report.stats.get_misses},
      {"elapsed_s", report.elapsed_seconds},
      {"connections", config.connections},
      {"pipeline", config.pipeline},
      {"threads", config.threads},
      {"protocol", std::string(wire_protocol_name(config.protocol))},
      {"target", config.host + ":" + std::to_string(config.port)},
      {"key_size", config.shape.key_size},
      {"value_size", config.shape.value_size},
      {"keyspace", config.shape.keyspace},
      {"ratio", fmt::format("{}:{}", config.put_weight, config.get_weight)},
      {"first_error", report.stats.first_error},
  };
}

std::string report_to_text(const RunReport& report, const BenchConfig& config) {
  const RunStats& stats = report.stats;
  std::string text = fmt::format(
      "target      {}:{} ({}), {} connections, pipeline {}, {} threads\n"
      "elapsed     {:.3f} s\n"
      "requests    {} ({} GET hits, {} GET misses)\n"
      "throughput  {:.0f} responses/s\n"
      "latency     p50 {:.1f} us, p99 {:.1f} us, p99.9 {:.1f} us, max {:.1f} us\n"
      "errors      {}\n"
      "timeouts    {}\n",
      config.host, config.port, wire_protocol_name(config.protocol), config.connections,
      config.pipeline, config.threads, report.elapsed_seconds, stats.responses, stats.get_hits,
      stats.get_misses, report.throughput(), to_us(stats.latency.value_at_quantile(0.50)),
      to_us(stats.latency.value_at_quantile(0.99)), to_us(stats.latency.value_at_quantile(0.999)),
      to_us(stats.latency.max()), stats.errors, stats.timeouts);
  if (!stats.first_error.empty()) text += "first error " + stats.first_error + "\n";
  return text;
}

}  // namespace kv
