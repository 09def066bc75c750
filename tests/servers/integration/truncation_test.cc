// Truncation (SPEC 6.5): at end of stream inside a frame, the complete
// frames before it are answered, the partial frame leaves no trace, and the
// server closes the connection.
#include <string>

#include "codec/frame_format.h"
#include "tests/servers/integration/server_fixture.h"
#include "tests/servers/support/test_frames.h"

namespace kv::test {
namespace {

TEST_P(ServerModelTest, PartialFrameAtEndOfStreamLeavesNoTrace) {
  ASSERT_TRUE(start_server());
  const std::string frame = put_frame("truncated", "value");
  const std::size_t footer_start = frame.size() - kFooterBytes;
  struct Cut {
    const char* where;
    std::size_t bytes;
  };
  for (const Cut cut : {Cut{"in the header", 2}, Cut{"in the body", kHeaderBytes + 3},
                        Cut{"in the footer", footer_start + 2},
                        Cut{"before the last byte", frame.size() - 1}}) {
    SCOPED_TRACE(cut.where);
    TestClient client = connect();
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.send(put_frame("complete", cut.where) + frame.substr(0, cut.bytes)));
    ASSERT_TRUE(client.shutdown_send());
    ASSERT_TRUE(client.expect(make_put_ack()));
    EXPECT_TRUE(client.expect_closed(kAnswerTimeout));

    TestClient checker = connect();
    ASSERT_TRUE(checker.connected());
    EXPECT_TRUE(checker.make_get_hit("complete", cut.where));
    EXPECT_TRUE(checker.make_get_miss("truncated"));
  }
}

}  // namespace
}  // namespace kv::test
