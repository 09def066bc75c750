// The server configurations the integration suite runs against: every
// model of the registry (kv::server_models(), SPEC 11.1), the event loop
// once per readiness backend.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kv::test {

struct ServerModel {
  // A gtest-safe name for the instantiation, e.g. "event_loop_poll".
  std::string name;
  // The kvserver flags that select the model.
  std::vector<std::string> flags;
  // SPEC 11.3 (true) or 11.2, the sequential profile (false).
  bool concurrent = true;
  // Why the model cannot run on this machine (kv::unavailable_reason);
  // empty when it can. The fixture skips its tests with this reason.
  std::string unavailable;
};

// Prints the configuration's name in test failure messages.
void PrintTo(const ServerModel& model, std::ostream* out);

// All configurations, in the registry's order.
std::vector<ServerModel> all_server_models();

}  // namespace kv::test
