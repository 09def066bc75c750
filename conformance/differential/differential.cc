#include "conformance/differential/differential.h"

#include <fmt/format.h>

#include <chrono>
#include <random>

#include "codec/frame_format.h"
#include "codec/frame_encoder.h"
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
  if (at != std::string::npos) body.replace(at, kKeyMark.size(), pb_bytes_field(1, prefix + step.key));
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
  const std::vector<std::string> values = {"", "1", "two", "@EOF@ inside", "ünïcødé",
                                           std::string(300, 'z')};
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
      script.push_back({fmt::format("GET {}", quote_bytes(key)), mark + pb_varint_field(3, kKindGet), key});
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

asio::awaitable<int> run_differential(const DifferentialConfig& config, std::FILE* out) {
  const std::vector<DifferentialStep> script =
      make_differential_script(config.options.seed, config.steps);
  const auto nonce = std::chrono::system_clock::now().time_since_epoch().count();
  std::vector<std::vector<std::string>> streams;
  for (std::size_t t = 0; t < config.targets.size(); ++t) {
    const DifferentialTarget& target = config.targets[t];
    const std::string prefix = fmt::format("diff/{}/{}/t{}/", config.options.seed, nonce, t);
    WireLog log;
    ConnectResult connected = co_await WireSession::connect(
        target.endpoint, log, 1, config.options.response_timeout(), config.options.max_frame_bytes);
    if (!connected.session) {
      fmt::print(out, "kvconform: target {} unreachable: {}\n", target.name, connected.error);
      co_return 2;
    }
    std::vector<std::string> responses;
    for (const DifferentialStep& step : script) {
      ReadEvent event;
      if (const Check sent = co_await connected.session->send(encode_raw_frame_to_string(build_body(step, prefix)),
                                                              config.options.response_timeout())) {
        event.kind = ReadEventKind::kIoError;
        event.detail = sent->observed;
      } else {
        event = co_await connected.session->read_frame(config.options.response_timeout());
      }
      responses.push_back(normalise(event, prefix));
      if (event.kind != ReadEventKind::kFrame) break;
    }
    fmt::print(out, "  {}: {} responses in {:.0f} ms\n", target.name, responses.size(),
               log.elapsed_ms());
    streams.push_back(std::move(responses));
  }
  for (std::size_t t = 1; t < streams.size(); ++t) {
    const std::size_t n = std::max(streams[0].size(), streams[t].size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto at = [&](std::size_t s) {
        return i < streams[s].size() ? streams[s][i] : std::string("(no response: stream ended)");
      };
      if (at(0) == at(t)) continue;
      fmt::print(out,
                 "DIFFERENCE at request {} of {} (seed {}): {}\n  {}: {}\n  {}: {}\n", i + 1,
                 script.size(), config.options.seed, i < script.size() ? script[i].description : "?",
                 config.targets[0].name, at(0), config.targets[t].name, at(t));
      co_return 1;
    }
  }
  fmt::print(out, "all {} targets gave identical response streams for {} requests (seed {})\n",
             config.targets.size(), script.size(), config.options.seed);
  co_return 0;
}

}  // namespace kv
