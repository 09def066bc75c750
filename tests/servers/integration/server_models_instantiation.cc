// Instantiates the one integration suite, ServerModelTest, once per server
// configuration (server_model.h). The tests live in the *_test.cc files.
#include "tests/servers/integration/server_fixture.h"

namespace kv::test {
namespace {

std::string model_name(const ::testing::TestParamInfo<ServerModel>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Models, ServerModelTest, ::testing::ValuesIn(all_server_models()),
                         model_name);

}  // namespace
}  // namespace kv::test
