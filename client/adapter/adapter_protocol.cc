#include "client/adapter/adapter_protocol.h"

#include <nlohmann/json.hpp>

namespace kv {
namespace {

using nlohmann::json;

constexpr std::size_t kShownBytes = 40;

// JSON for people: strings are shown in full up to kShownBytes.
std::string shown(std::string_view text) {
  if (text.size() <= kShownBytes) {
    return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return json(std::string(text.substr(0, kShownBytes)))
             .dump(-1, ' ', false, json::error_handler_t::replace) +
         "... (" + std::to_string(text.size()) + " bytes)";
}

json request_json(const AdapterRequest& request) {
  if (request.op == AdapterRequest::Op::kPut) {
    return {{"op", "put"}, {"key", request.key}, {"value", request.value}};
  }
  return {{"op", "get"}, {"key", request.key}};
}

json result_json(const AdapterResult& result) {
  switch (result.kind) {
    case AdapterResult::Kind::kStored:
      return {{"result", "stored"}};
    case AdapterResult::Kind::kFound:
      return {{"result", "found"}, {"value", result.value}};
    case AdapterResult::Kind::kNotFound:
      return {{"result", "not-found"}};
    case AdapterResult::Kind::kClosed:
      return {{"result", "closed"}};
    case AdapterResult::Kind::kError: {
      json j = {{"result", "error"}, {"class", result.error_class}};
      if (!result.message.empty()) j["message"] = result.message;
      return j;
    }
    case AdapterResult::Kind::kBatch: {
      json list = json::array();
      for (const AdapterResult& one : result.results) list.push_back(result_json(one));
      return {{"result", "batch"}, {"results", list}};
    }
  }
  return {};
}

// The string member `name` of `object`; throws json::exception otherwise.
std::string string_member(const json& object, const char* name) {
  return object.at(name).get<std::string>();
}

std::optional<AdapterRequest> request_of(const json& object, std::string& error) {
  const std::string op = string_member(object, "op");
  if (op == "put") {
    return AdapterRequest{AdapterRequest::Op::kPut, string_member(object, "key"),
                          string_member(object, "value")};
  }
  if (op == "get")
    return AdapterRequest{AdapterRequest::Op::kGet, string_member(object, "key"), {}};
  error = "unknown request op \"" + op + "\" (want put or get)";
  return std::nullopt;
}

std::optional<AdapterResult> result_of(const json& object, std::string& error) {
  const std::string kind = string_member(object, "result");
  if (kind == "stored") return stored_result();
  if (kind == "found") return found_result(string_member(object, "value"));
  if (kind == "not-found") return not_found_result();
  if (kind == "closed") return closed_result();
  if (kind == "error") {
    const auto message = object.find("message");
    return error_result(string_member(object, "class"),
                        message != object.end() && message->is_string()
                            ? message->get<std::string>()
                            : std::string());
  }
  if (kind == "batch") {
    std::vector<AdapterResult> results;
    for (const json& one : object.at("results")) {
      auto parsed = result_of(one, error);
      if (!parsed) return std::nullopt;
      results.push_back(std::move(*parsed));
    }
    return batch_result(std::move(results));
  }
  error = "unknown result \"" + kind + "\"";
  return std::nullopt;
}

std::optional<json> parse_object(std::string_view line, std::string& error) {
  json object = json::parse(line, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    error = "not a JSON object: " + shown(line);
    return std::nullopt;
  }
  return object;
}

}  // namespace

AdapterCommand put_command(std::string key, std::string value) {
  return {AdapterCommand::Op::kPut,
          {AdapterRequest{AdapterRequest::Op::kPut, std::move(key), std::move(value)}}};
}

AdapterCommand get_command(std::string key) {
  return {AdapterCommand::Op::kGet, {AdapterRequest{AdapterRequest::Op::kGet, std::move(key), {}}}};
}

AdapterCommand batch_command(std::vector<AdapterRequest> requests) {
  return {AdapterCommand::Op::kBatch, std::move(requests)};
}

AdapterCommand close_command() {
  return {AdapterCommand::Op::kClose, {}};
}

AdapterResult stored_result() {
  return {AdapterResult::Kind::kStored, {}, {}, {}, {}};
}
AdapterResult found_result(std::string value) {
  return {AdapterResult::Kind::kFound, std::move(value), {}, {}, {}};
}
AdapterResult not_found_result() {
  return {AdapterResult::Kind::kNotFound, {}, {}, {}, {}};
}
AdapterResult error_result(std::string error_class, std::string message) {
  return {AdapterResult::Kind::kError, {}, std::move(error_class), std::move(message), {}};
}
AdapterResult batch_result(std::vector<AdapterResult> results) {
  return {AdapterResult::Kind::kBatch, {}, {}, {}, std::move(results)};
}
AdapterResult closed_result() {
  return {AdapterResult::Kind::kClosed, {}, {}, {}, {}};
}

bool same_result(const AdapterResult& want, const AdapterResult& got) {
  if (want.kind != got.kind || want.value != got.value || want.error_class != got.error_class ||
      want.results.size() != got.results.size()) {
    return false;
  }
  for (std::size_t i = 0; i < want.results.size(); ++i) {
    if (!same_result(want.results[i], got.results[i])) return false;
  }
  return true;
}

std::string to_json_line(const AdapterCommand& command) {
  switch (command.op) {
    case AdapterCommand::Op::kPut:
    case AdapterCommand::Op::kGet:
      return request_json(command.requests.at(0)).dump();
    case AdapterCommand::Op::kClose:
      return json{{"op", "close"}}.dump();
    case AdapterCommand::Op::kBatch: {
      json list = json::array();
      for (const AdapterRequest& request : command.requests) list.push_back(request_json(request));
      return json{{"op", "batch"}, {"requests", list}}.dump();
    }
  }
  return {};
}

std::string to_json_line(const AdapterResult& result) {
  // A value that is not UTF-8 cannot be written as a JSON string; the
  // replacement character shows that something was wrong with it.
  return result_json(result).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<AdapterCommand> parse_command(std::string_view line, std::string& error) {
  const std::optional<json> object = parse_object(line, error);
  if (!object) return std::nullopt;
  try {
    const std::string op = string_member(*object, "op");
    if (op == "close") return close_command();
    if (op == "batch") {
      AdapterCommand command{AdapterCommand::Op::kBatch, {}};
      for (const json& one : object->at("requests")) {
        auto request = request_of(one, error);
        if (!request) return std::nullopt;
        command.requests.push_back(std::move(*request));
      }
      return command;
    }
    auto request = request_of(*object, error);
    if (!request) return std::nullopt;
    const auto op_kind = request->op == AdapterRequest::Op::kPut ? AdapterCommand::Op::kPut
                                                                 : AdapterCommand::Op::kGet;
    return AdapterCommand{op_kind, {std::move(*request)}};
  } catch (const json::exception& e) {
    error = std::string("not a command of the adapter contract: ") + e.what();
    return std::nullopt;
  }
}

std::optional<AdapterResult> parse_result(std::string_view line, std::string& error) {
  const std::optional<json> object = parse_object(line, error);
  if (!object) return std::nullopt;
  try {
    return result_of(*object, error);
  } catch (const json::exception& e) {
    error = std::string("not a result of the adapter contract: ") + e.what();
    return std::nullopt;
  }
}

std::string describe(const AdapterResult& result) {
  switch (result.kind) {
    case AdapterResult::Kind::kStored:
      return "stored";
    case AdapterResult::Kind::kFound:
      return "found " + shown(result.value);
    case AdapterResult::Kind::kNotFound:
      return "not-found";
    case AdapterResult::Kind::kClosed:
      return "closed";
    case AdapterResult::Kind::kError:
      return "error " + result.error_class +
             (result.message.empty() ? "" : " (" + result.message + ")");
    case AdapterResult::Kind::kBatch: {
      std::string text = "batch [";
      for (std::size_t i = 0; i < result.results.size(); ++i) {
        text += (i > 0 ? ", " : "") + describe(result.results[i]);
      }
      return text + "]";
    }
  }
  return "?";
}

std::string describe(const AdapterCommand& command) {
  const auto request_text = [](const AdapterRequest& request) {
    return request.op == AdapterRequest::Op::kPut
               ? "put " + shown(request.key) + " " + shown(request.value)
               : "get " + shown(request.key);
  };
  switch (command.op) {
    case AdapterCommand::Op::kPut:
    case AdapterCommand::Op::kGet:
      return request_text(command.requests.at(0));
    case AdapterCommand::Op::kClose:
      return "close";
    case AdapterCommand::Op::kBatch: {
      std::string text = "batch [";
      for (std::size_t i = 0; i < command.requests.size(); ++i) {
        text += (i > 0 ? ", " : "") + request_text(command.requests[i]);
      }
      return text + "]";
    }
  }
  return "?";
}

}  // namespace kv
