// Request semantics (SPEC section 5), one test per rule.
#include "servers/request_handler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tests/servers/support/test_frames.h"
#include "tests/servers/unit/store_lookup.h"

namespace kv {
namespace {

using test::is_hit;
using test::is_miss;
using test::is_put_ack;
using test::make_message;

class RequestHandlerTest : public ::testing::Test {
 protected:
  // The response to `request`, in a fresh message.
  Message handle(const Message& request) const {
    Message response;
    handler_.handle(request, response);
    return response;
  }

  Store store_;
  RequestHandler handler_{store_};
};

TEST_F(RequestHandlerTest, PutIsAcknowledgedWithoutKeyOrValue_Rule5_1) {
  const Message response = handle(make_message("k", "v", kKindPutOrUpdate));
  EXPECT_TRUE(is_put_ack(response)) << response.ShortDebugString();
  EXPECT_EQ(test::stored_value(store_, "k"), "v");
}

TEST_F(RequestHandlerTest, PutReplacesTheEarlierValue_Rule5_1) {
  handle(make_message("k", "old", kKindPutOrUpdate));
  handle(make_message("k", "new", kKindPutOrUpdate));
  EXPECT_TRUE(is_hit(handle(make_message("k", "", kKindGet)), "k", "new"));
}

TEST_F(RequestHandlerTest, AdmittedHandlingAsksBeforeCopyingALargeValue_Rule12_2) {
  const std::string big(100000, 'b');
  store_.put("big", big);
  store_.put("small", "s");
  std::vector<std::size_t> asked;
  bool allow = false;
  const auto admit = [&](std::size_t bytes) {
    asked.push_back(bytes);
    return allow;
  };
  Message response;
  EXPECT_FALSE(handler_.handle_admitted(make_message("big", "", kKindGet), response, 1000, admit));
  EXPECT_EQ(asked, std::vector<std::size_t>{big.size()});
  EXPECT_TRUE(handler_.handle_admitted(make_message("small", "", kKindGet), response, 1000, admit));
  EXPECT_TRUE(is_hit(response, "small", "s")) << "a small value is not asked about";
  EXPECT_TRUE(handler_.handle_admitted(make_message("absent", "", kKindGet), response, 1000, admit));
  EXPECT_TRUE(is_miss(response, "absent"));
  EXPECT_TRUE(handler_.handle_admitted(make_message("k", "v", kKindPutOrUpdate), response, 1000,
                                       admit));
  EXPECT_TRUE(is_put_ack(response));
  allow = true;
  EXPECT_TRUE(handler_.handle_admitted(make_message("big", "", kKindGet), response, 1000, admit));
  EXPECT_TRUE(is_hit(response, "big", big));
  EXPECT_EQ(asked.size(), 2U);
}

TEST_F(RequestHandlerTest, GetHitReturnsKeyAndValue_Rule5_2) {
  store_.put("k", "v");
  const Message response = handle(make_message("k", "", kKindGet));
  EXPECT_TRUE(is_hit(response, "k", "v")) << response.ShortDebugString();
}

TEST_F(RequestHandlerTest, GetMissReturnsKeyAndNotOk_Rule5_3) {
  const Message response = handle(make_message("absent", "", kKindGet));
  EXPECT_TRUE(is_miss(response, "absent")) << response.ShortDebugString();
}

TEST_F(RequestHandlerTest, GetIgnoresValueAndStatus_Rule5_4) {
  store_.put("k", "stored");
  Message request = make_message("k", "ignored", kKindGet);
  request.set_status(NotOk);
  EXPECT_TRUE(is_hit(handle(request), "k", "stored"));
  EXPECT_EQ(test::stored_value(store_, "k"), "stored");
}

TEST_F(RequestHandlerTest, PutIgnoresStatus_Rule5_4) {
  Message request = make_message("k", "v", kKindPutOrUpdate);
  request.set_status(NotOk);
  EXPECT_TRUE(is_put_ack(handle(request)));
  EXPECT_EQ(test::stored_value(store_, "k"), "v");
}

TEST_F(RequestHandlerTest, EmptyKeyAndValueAreOrdinaryData_Rule5_5) {
  EXPECT_TRUE(is_miss(handle(make_message("", "", kKindGet)), ""));
  EXPECT_TRUE(is_put_ack(handle(make_message("", "", kKindPutOrUpdate))));
  EXPECT_TRUE(is_hit(handle(make_message("", "", kKindGet)), "", ""));
}

TEST_F(RequestHandlerTest, AReusedResponseKeepsNothingOfTheLastOne) {
  store_.put("k", "stored");
  Message response;
  handler_.handle(make_message("k", "", kKindGet), response);
  ASSERT_TRUE(is_hit(response, "k", "stored"));
  handler_.handle(make_message("absent", "", kKindGet), response);
  EXPECT_TRUE(is_miss(response, "absent")) << response.ShortDebugString();
  handler_.handle(make_message("k", "new", kKindPutOrUpdate), response);
  EXPECT_TRUE(is_put_ack(response)) << response.ShortDebugString();
  handler_.handle(make_message("k", "", 9), response);
  EXPECT_EQ(response.kind(), 9U);
  EXPECT_EQ(response.status(), NotOk);
  EXPECT_TRUE(response.key().empty());
  EXPECT_TRUE(response.value().empty());
}

class OtherKindTest : public RequestHandlerTest,
                      public ::testing::WithParamInterface<std::uint32_t> {};

TEST_P(OtherKindTest, IsAnsweredWithItsKindAndNotOkAndChangesNothing_Rule5_6) {
  const std::uint32_t kind = GetParam();
  store_.put("k", "before");
  const Message response = handle(make_message("k", "after", kind));
  EXPECT_EQ(response.kind(), kind);
  EXPECT_EQ(response.status(), NotOk);
  EXPECT_TRUE(response.key().empty());
  EXPECT_TRUE(response.value().empty());
  EXPECT_EQ(test::stored_value(store_, "k"), "before");
  EXPECT_EQ(store_.size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Kinds, OtherKindTest,
                         ::testing::Values(kKindError, kKindGetResponse, 4U, 255U,
                                           std::numeric_limits<std::uint32_t>::max()));

}  // namespace
}  // namespace kv
