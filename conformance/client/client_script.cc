#include "conformance/client/client_script.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "conformance/wire/edge_strings.h"

namespace kv {
namespace {

using nlohmann::json;

// Values longer than this that are a patterned string are stored by size.
constexpr std::size_t kPatternedFrom = 1024;

json data_json(const std::string& text) {
  if (text.size() > kPatternedFrom && text == patterned_string(text.size())) {
    return json{{"patterned", text.size()}};
  }
  return text;
}

std::string data_from(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  return patterned_string(j.at("patterned").get<std::size_t>());
}

template <typename E>
E named(const json& j, const char* what, bool (*parse)(std::string_view, E&)) {
  const std::string name = j.get<std::string>();
  E value{};
  if (!parse(name, value)) throw std::invalid_argument(fmt::format("unknown {} '{}'", what, name));
  return value;
}

json step_json(const ClientStep& s) {
  json j = {{"op", std::string(step_op_name(s.op))}};
  if (s.op == StepOp::kClose) return j;
  json requests = json::array();
  for (const AdapterRequest& r : s.requests) {
    json one = {{"op", r.op == AdapterRequest::Op::kPut ? "put" : "get"},
                {"key", data_json(r.key)}};
    if (r.op == AdapterRequest::Op::kPut) one["value"] = data_json(r.value);
    requests.push_back(std::move(one));
  }
  j["requests"] = std::move(requests);
  if (s.refuse) {
    j["refuse"] = true;
    return j;
  }
  json answers = json::array();
  for (const ServerAnswer& a : s.answers) {
    json one = {{"fault", std::string(fault_name(a.fault))},
                {"form", std::string(response_form_name(a.form))}};
    if (a.fault != Fault::kNone) one["param"] = a.param;
    if (a.leftover) one["leftover"] = true;
    if (a.fill_len != 0) one["fill_len"] = a.fill_len;
    answers.push_back(std::move(one));
  }
  j["answers"] = std::move(answers);
  j["each_at_once"] = s.each_at_once;
  j["shape"] = std::string(answer_shape_name(s.shape));
  if (s.shape == AnswerShape::kSplit || s.shape == AnswerShape::kRandomChunks) {
    j["shape_seed"] = s.shape_seed;
  }
  if (s.shape == AnswerShape::kRandomChunks) j["max_chunk"] = s.max_chunk;
  if (s.shape == AnswerShape::kSlow) j["pause_ms"] = s.pause_ms;
  if (s.extra_frame) j["extra_frame"] = true;
  return j;
}

ClientStep step_from(const json& j) {
  ClientStep s;
  s.op = named<StepOp>(j.at("op"), "op", step_op_from_name);
  if (s.op == StepOp::kClose) return s;
  for (const json& one : j.at("requests")) {
    AdapterRequest r;
    const std::string op = one.at("op").get<std::string>();
    if (op != "put" && op != "get") throw std::invalid_argument("unknown request op '" + op + "'");
    r.op = op == "put" ? AdapterRequest::Op::kPut : AdapterRequest::Op::kGet;
    r.key = data_from(one.at("key"));
    if (r.op == AdapterRequest::Op::kPut) r.value = data_from(one.at("value"));
    s.requests.push_back(std::move(r));
  }
  if (s.requests.empty() || (s.op != StepOp::kBatch && s.requests.size() != 1)) {
    throw std::invalid_argument("a put or get step has one request, a batch at least one");
  }
  s.refuse = j.value("refuse", false);
  if (s.refuse) return s;
  for (const json& one : j.at("answers")) {
    ServerAnswer a;
    a.fault = named<Fault>(one.at("fault"), "fault", fault_from_name);
    a.form = named<ResponseForm>(one.at("form"), "form", response_form_from_name);
    a.param = one.value("param", std::int64_t{0});
    a.leftover = one.value("leftover", false);
    a.fill_len = one.value("fill_len", std::uint32_t{0});
    s.answers.push_back(a);
  }
  if (s.answers.size() != s.requests.size()) {
    throw std::invalid_argument("a step needs one answer per request");
  }
  s.each_at_once = j.value("each_at_once", false);
  s.shape = named<AnswerShape>(j.at("shape"), "shape", answer_shape_from_name);
  s.shape_seed = j.value("shape_seed", std::uint64_t{0});
  s.max_chunk = j.value("max_chunk", std::uint32_t{64});
  s.pause_ms = j.value("pause_ms", 0);
  s.extra_frame = j.value("extra_frame", false);
  return s;
}

}  // namespace

std::string client_script_to_json(const ClientScript& script) {
  json steps = json::array();
  for (const ClientStep& s : script.program.steps) steps.push_back(step_json(s));
  json j = {{"schema", kClientScriptSchema},
            {"client_timeout_ms", script.client_timeout_ms},
            {"max_frame_bytes", script.max_frame_bytes},
            {"seed", script.seed},
            {"program_index", script.program_index},
            {"steps", std::move(steps)}};
  if (script.failure) {
    const ClientFailure& f = *script.failure;
    j["failure"] = {{"kind", std::string(failure_kind_name(f.kind))},
                    {"rule", f.rule},
                    {"step", f.step},
                    {"expected", f.expected},
                    {"observed", f.observed}};
  }
  // Keys and values are UTF-8; a message may quote bytes that are not.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<ClientScript> client_script_from_json(const std::string& text, std::string& error) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  try {
    if (j.value("schema", std::string()) != kClientScriptSchema) {
      error = fmt::format("not a client script: the schema is not \"{}\"", kClientScriptSchema);
      return std::nullopt;
    }
    ClientScript script;
    script.client_timeout_ms = j.value("client_timeout_ms", std::uint32_t{2000});
    script.max_frame_bytes = j.value("max_frame_bytes", std::uint32_t{0});
    script.seed = j.value("seed", std::uint64_t{0});
    script.program_index = j.value("program_index", std::uint64_t{0});
    for (const json& step : j.at("steps")) script.program.steps.push_back(step_from(step));
    if (j.contains("failure")) {
      const json& f = j.at("failure");
      ClientFailure failure;
      failure.rule = f.value("rule", std::string());
      failure.step = f.value("step", -1);
      failure.expected = f.value("expected", std::string());
      failure.observed = f.value("observed", std::string());
      const std::string kind = f.value("kind", std::string());
      for (const ClientFailureKind k :
           {ClientFailureKind::kRequest, ClientFailureKind::kConnection, ClientFailureKind::kResult,
            ClientFailureKind::kHang, ClientFailureKind::kCrash, ClientFailureKind::kGarbage}) {
        if (failure_kind_name(k) == kind) failure.kind = k;
      }
      script.failure = failure;
    }
    return script;
  } catch (const std::exception& e) {
    error = std::string("not a client script: ") + e.what();
    return std::nullopt;
  }
}

namespace {

// The whole file at `path`; false if it cannot be read.
bool read_text(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = std::move(buffer).str();
  return true;
}

}  // namespace

std::optional<ClientScript> load_client_script(const std::string& path, std::string& error) {
  std::string text;
  if (!read_text(path, text)) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::optional<ClientScript> script = client_script_from_json(text, error);
  if (!script) error = path + ": " + error;
  return script;
}

bool is_client_script_file(const std::string& path) {
  std::string text;
  if (!read_text(path, text)) return false;
  const json j = json::parse(text, nullptr, false);
  return j.is_object() && j.contains("schema") && j["schema"].is_string() &&
         j["schema"].get<std::string>() == kClientScriptSchema;
}

}  // namespace kv
