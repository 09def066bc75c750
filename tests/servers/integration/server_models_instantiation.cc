// Instantiates the integration suite, ServerModelTest, once per server
// configuration (server_model.h), and ConcurrentServerModelTest once per
// concurrent one. The tests live in the *_test.cc files.
#include "tests/servers/integration/server_fixture.h"

namespace kv::test {
namespace {

std::string model_name(const ::testing::TestParamInfo<ServerModel>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Models, ServerModelTest, ::testing::ValuesIn(all_server_models()),
                         model_name);

std::vector<ServerModel> concurrent_server_models() {
  std::vector<ServerModel> models = all_server_models();
  std::erase_if(models, [](const ServerModel& model) { return !model.concurrent; });
  return models;
}

INSTANTIATE_TEST_SUITE_P(ConcurrentModels, ConcurrentServerModelTest,
                         ::testing::ValuesIn(concurrent_server_models()), model_name);

}  // namespace
}  // namespace kv::test
