#include "conformance/explore/program_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codec/utf8.h"
#include "conformance/wire/wire_log.h"

namespace kv {

namespace {

using nlohmann::json;

// The enum named `name` in `out`; throws std::invalid_argument naming
// `what` for a name the program format does not have.
template <class E>
E value_of(const std::string& name, const char* what) {
  E out{};
  if (!parse_name(name, out)) throw std::invalid_argument(fmt::format("unknown {} '{}'", what, name));
  return out;
}

json bytes_json(const std::string& bytes) {
  if (is_valid_utf8(bytes)) return bytes;
  std::string hex;
  for (const unsigned char c : bytes) hex += fmt::format("{:02x}", c);
  return json{{"hex", hex}};
}

std::string bytes_from(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  const std::string hex = j.at("hex").get<std::string>();
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd number of hex digits");
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

json request_json(const Request& r) {
  json j{{"op", name_of(r.op)}};
  if (!r.key.empty()) j["key"] = bytes_json(r.key);
  if (!r.value.empty()) j["value"] = bytes_json(r.value);
  if (r.op == RequestOp::kOtherKind) j["kind"] = r.kind;
  if (r.status != 0) j["status"] = r.status;
  if (r.form != BodyForm::kCanonical) j["form"] = name_of(r.form);
  if (r.op == RequestOp::kFramingError) {
    j["framing"] = name_of(r.framing);
    j["len"] = r.len;
  }
  if (r.fill_len != 0) j["fill_len"] = r.fill_len;
  if (r.op == RequestOp::kSpoiledPut) j["tail"] = r.tail;
  if (r.tag_last) j["tag_last"] = true;
  if (r.repeat > 1) j["repeat"] = r.repeat;
  return j;
}

Request request_from(const json& j) {
  Request r;
  r.op = value_of<RequestOp>(j.at("op").get<std::string>(), "op");
  if (j.contains("key")) r.key = bytes_from(j["key"]);
  if (j.contains("value")) r.value = bytes_from(j["value"]);
  r.kind = j.value("kind", 0U);
  r.status = j.value("status", 0U);
  r.form = value_of<BodyForm>(j.value("form", std::string("canonical")), "form");
  r.framing = value_of<FramingClass>(j.value("framing", std::string("length-too-small")), "framing");
  r.len = j.value("len", 0U);
  r.fill_len = j.value("fill_len", 0U);
  r.tail = j.value("tail", 0U);
  r.tag_last = j.value("tag_last", false);
  if (r.tail >= kSpoiledTailCount) throw std::invalid_argument("tail out of range");
  r.repeat = std::max(1U, j.value("repeat", 1U));
  return r;
}

json step_json(const Step& s) {
  json j{{"action", name_of(s.action)}};
  switch (s.action) {
    case StepAction::kPause:
      j["ms"] = s.ms;
      return j;
    case StepAction::kChurn:
      j["count"] = s.count;
      if (s.churn_end != ChurnEnd::kFin) j["end"] = name_of(s.churn_end);
      return j;
    case StepAction::kTerminate:
      if (s.ms > 0) j["ms"] = s.ms;
      if (s.count > 0) j["count"] = s.count;
      return j;
    default:
      break;
  }
  j["conn"] = s.conn + 1;
  if (s.action == StepAction::kReadSlowly) j["ms"] = s.ms;
  if (s.action != StepAction::kSend) return j;
  json shape{{"kind", name_of(s.shape.kind)}};
  if (s.shape.kind == ShapeKind::kSplitAt) shape["cut"] = s.shape.cut;
  if (s.shape.kind == ShapeKind::kRandomChunks) {
    shape["seed"] = s.shape.seed;
    shape["max_chunk"] = s.shape.max_chunk;
  }
  if (s.shape.kind == ShapeKind::kSlowDrip) shape["drip_ms"] = s.shape.drip_ms;
  j["shape"] = shape;
  if (s.hold > 0) j["hold"] = s.hold;
  j["requests"] = json::array();
  for (const Request& r : s.requests) j["requests"].push_back(request_json(r));
  return j;
}

Step step_from(const json& j) {
  Step s;
  s.action = value_of<StepAction>(j.at("action").get<std::string>(), "action");
  s.conn = j.value("conn", 1) - 1;
  if (s.conn < 0 || s.conn > 63) throw std::invalid_argument("conn must be 1..64");
  s.ms = j.value("ms", 0);
  s.count = j.value("count", 0);
  s.churn_end = value_of<ChurnEnd>(j.value("end", std::string("fin")), "churn end");
  s.hold = j.value("hold", 0U);
  if (j.contains("shape")) {
    const json& shape = j["shape"];
    s.shape.kind = value_of<ShapeKind>(shape.at("kind").get<std::string>(), "shape");
    s.shape.cut = shape.value("cut", std::size_t{0});
    s.shape.seed = shape.value("seed", std::uint64_t{0});
    s.shape.max_chunk = std::max<std::size_t>(1, shape.value("max_chunk", std::size_t{64}));
    s.shape.drip_ms = std::clamp(shape.value("drip_ms", 50), 1, 100);
  }
  if (j.contains("requests")) {
    for (const json& r : j["requests"]) s.requests.push_back(request_from(r));
  }
  return s;
}

}  // namespace

std::string script_to_json(const ExploreScript& script) {
  json j{{"schema", kExploreScriptSchema},
         {"profile", script.profile},
         {"max_frame_bytes", script.max_frame_bytes},
         {"seed", script.seed},
         {"program", script.program_index}};
  if (script.failure) {
    j["failure"] = {{"rule", script.failure->rule},
                    {"step", script.failure->step + 1},
                    {"expected", script.failure->expected},
                    {"observed", script.failure->observed}};
  }
  j["steps"] = json::array();
  for (const Step& s : script.program.steps) j["steps"].push_back(step_json(s));
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<ExploreScript> script_from_json(const std::string& text, std::string& error) {
  try {
    const json j = json::parse(text);
    if (j.value("schema", std::string()) != kExploreScriptSchema) {
      error = fmt::format("not an explore script (schema must be \"{}\")", kExploreScriptSchema);
      return std::nullopt;
    }
    ExploreScript script;
    script.profile = j.value("profile", std::string("concurrent"));
    if (script.profile != "concurrent" && script.profile != "sequential") {
      error = "profile must be concurrent or sequential";
      return std::nullopt;
    }
    script.max_frame_bytes = j.value("max_frame_bytes", kDefaultMaxFrameLen);
    script.seed = j.value("seed", std::uint64_t{0});
    script.program_index = j.value("program", std::uint64_t{0});
    for (const json& s : j.at("steps")) script.program.steps.push_back(step_from(s));
    if (j.contains("failure")) {
      const json& f = j["failure"];
      script.failure =
          ExploreFailure{f.value("rule", std::string()), Level::kMust, f.value("step", 0) - 1,
                         f.value("expected", std::string()), f.value("observed", std::string())};
    }
    return script;
  } catch (const std::exception& e) {
    error = std::string("invalid explore script: ") + e.what();
    return std::nullopt;
  }
}

std::optional<ExploreScript> load_script(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return script_from_json(text.str(), error);
}

}  // namespace kv
