// Silences libprotobuf's log lines for the rejected bodies these tests feed
// on purpose; the decoder reports them as kBadBody, which the tests check.
#include <gtest/gtest.h>

#include "codec/message.h"

namespace kv::test {
namespace {

class QuietProtobuf final : public ::testing::Environment {
 public:
  void SetUp() override { silence_protobuf_logging(); }
};

// Registered before main() runs; GoogleTest owns the environment.
[[maybe_unused]] ::testing::Environment* const kQuietProtobuf =
    ::testing::AddGlobalTestEnvironment(new QuietProtobuf);

}  // namespace
}  // namespace kv::test
