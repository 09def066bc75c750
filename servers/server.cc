#include "servers/server.h"

#include <array>
#include <utility>

namespace kv {
namespace {

constexpr std::array<std::pair<ServerModel, std::string_view>, 4> kModelNames = {{
    {ServerModel::kSingleBlocking, "single-blocking"},
    {ServerModel::kMultiBlocking, "multi-blocking"},
    {ServerModel::kBusyWait, "busy-wait"},
    {ServerModel::kEventLoop, "event-loop"},
}};

}  // namespace

std::vector<std::string_view> server_model_names() {
  std::vector<std::string_view> names;
  for (const auto& [model, name] : kModelNames) names.push_back(name);
  return names;
}

std::optional<ServerModel> server_model_from_name(std::string_view name) {
  for (const auto& [model, candidate] : kModelNames) {
    if (candidate == name) return model;
  }
  return std::nullopt;
}

std::error_code run_server(const ServerContext& context) {
  switch (context.options.model) {
    case ServerModel::kSingleBlocking:
      return run_single_blocking(context);
    case ServerModel::kMultiBlocking:
      return run_multi_blocking(context);
    case ServerModel::kBusyWait:
      return run_busy_wait(context);
    case ServerModel::kEventLoop:
      return run_event_loop(context);
  }
  return std::make_error_code(std::errc::invalid_argument);
}

}  // namespace kv
