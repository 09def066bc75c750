#include "servers/server.h"

#include <array>

#include "servers/io_uring_probe.h"

namespace kv {
namespace {

constexpr std::array<ServerModelInfo, 7> kModels = {{
    {"single-blocking", ServerProfile::kSequential, run_single_blocking},
    {"multi-blocking", ServerProfile::kConcurrent, run_multi_blocking},
    {"busy-wait", ServerProfile::kConcurrent, run_busy_wait},
    {"event-loop", ServerProfile::kConcurrent, run_event_loop},
    {"multi-reactor", ServerProfile::kConcurrent, run_multi_reactor},
    {"asio", ServerProfile::kConcurrent, run_asio},
    {"io-uring", ServerProfile::kConcurrent, run_io_uring, io_uring_unavailable_reason},
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

std::string unavailable_reason(const ServerModelInfo& model) {
  return model.unavailable_reason != nullptr ? model.unavailable_reason() : std::string();
}

std::error_code run_server(const ServerContext& context) {
  const ServerModelInfo* model = find_server_model(context.options.model);
  if (model == nullptr) return std::make_error_code(std::errc::invalid_argument);
  return model->run(context);
}

}  // namespace kv
