#include "tests/servers/integration/server_model.h"

#include <algorithm>

#include "servers/poller.h"
#include "servers/server.h"

namespace kv::test {

void PrintTo(const ServerModel& model, std::ostream* out) {
  *out << model.name;
}

std::vector<ServerModel> all_server_models() {
  std::vector<ServerModel> models;
  for (const ServerModelInfo& info : server_models()) {
    std::string name(info.name);
    std::replace(name.begin(), name.end(), '-', '_');
    const bool concurrent = info.profile == ServerProfile::kConcurrent;
    const std::vector<std::string> flags{"--model", std::string(info.name)};
    if (info.name != "event-loop") {
      models.push_back({name, flags, concurrent, unavailable_reason(info)});
      continue;
    }
    // The event loop once per readiness backend the platform builds.
    for (std::string_view poller : available_pollers()) {
      std::vector<std::string> with_poller = flags;
      with_poller.insert(with_poller.end(), {"--poller", std::string(poller)});
      models.push_back({name + "_" + std::string(poller), with_poller, concurrent, {}});
    }
  }
  return models;
}

}  // namespace kv::test
