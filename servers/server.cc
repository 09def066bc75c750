#include "servers/server.h"

#include <array>

namespace kv {
namespace {

constexpr std::array<ServerModelInfo, 4> kModels = {{
    {"single-blocking", ServerProfile::kSequential, run_single_blocking},
    {"multi-blocking", ServerProfile::kConcurrent, run_multi_blocking},
    {"busy-wait", ServerProfile::kConcurrent, run_busy_wait},
    {"event-loop", ServerProfile::kConcurrent, run_event_loop},
}};

}  // namespace

std::string_view profile_name(ServerProfile profile) {
  return profile == ServerProfile::kSequential ? "sequential" : "concurrent";
}

std::span<const ServerModelInfo> server_models() {
  return kModels;
}

const ServerModelInfo* find_server_model(std::string_view name) {
  for (const ServerModelInfo& model : kModels) {
    if (model.name == name) return &model;
  }
  return nullptr;
}

std::error_code run_server(const ServerContext& context) {
  const ServerModelInfo* model = find_server_model(context.options.model);
  if (model == nullptr) return std::make_error_code(std::errc::invalid_argument);
  return model->run(context);
}

}  // namespace kv
