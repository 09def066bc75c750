#include "tests/servers/integration/server_model.h"

namespace kv::test {

void PrintTo(const ServerModel& model, std::ostream* out) { *out << model.name; }

std::vector<ServerModel> all_server_models() {
  return {
      {"single_blocking", {"--model", "single-blocking"}, false},
      {"multi_blocking", {"--model", "multi-blocking"}, true},
      {"busy_wait", {"--model", "busy-wait"}, true},
      {"event_loop_epoll", {"--model", "event-loop", "--poller", "epoll"}, true},
      {"event_loop_poll", {"--model", "event-loop", "--poller", "poll"}, true},
  };
}

}  // namespace kv::test
