// Unit tests of the pieces of the client side that need no network: the
// endpoint syntax of net/, the error class names of client/, and the JSON
// lines of the adapter contract (spec/client-adapter.md).
#include <gtest/gtest.h>

#include <string>

#include "client/adapter/adapter_protocol.h"
#include "client/client_error.h"
#include "net/endpoint.h"
#include "net/net_error.h"

namespace kv {
namespace {

TEST(Endpoint, ParsesHostAndPort) {
  const auto endpoint = parse_endpoint("localhost:7070");
  ASSERT_TRUE(endpoint.has_value());
  EXPECT_EQ(endpoint->host, "localhost");
  EXPECT_EQ(endpoint->port, 7070);
}

TEST(Endpoint, ParsesBracketedIpv6) {
  const auto endpoint = parse_endpoint("[::1]:7070");
  ASSERT_TRUE(endpoint.has_value());
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 7070);
  EXPECT_EQ(to_string(*endpoint), "[::1]:7070");
}

TEST(Endpoint, RejectsMalformedTargets) {
  for (const char* text : {"no-port", "host:", ":7070", "host:0", "host:65536", "host:70x", "[::1]",
                           "[::1]7070", "[]:7070"}) {
    EXPECT_FALSE(parse_endpoint(text).has_value()) << text;
  }
}

TEST(NetError, LookupFailuresAreTheirOwnCategory) {
  const std::error_code lookup = net::make_resolve_error(-2);  // EAI_NONAME on glibc.
  EXPECT_TRUE(net::is_resolve_error(lookup));
  EXPECT_FALSE(net::is_resolve_error(std::make_error_code(std::errc::connection_refused)));
  EXPECT_FALSE(lookup.message().empty());
}

TEST(ClientError, NamesRoundTrip_Rule13_12) {
  for (int code = 1; code <= static_cast<int>(ClientError::kIoError); ++code) {
    const auto error = static_cast<ClientError>(code);
    EXPECT_EQ(client_error_from_name(client_error_name(error)), error);
    EXPECT_EQ(make_error_code(error).message(), client_error_name(error));
  }
  EXPECT_EQ(client_error_name(ClientError::kLengthTooLarge), "length-too-large");
  EXPECT_FALSE(client_error_from_name("no-such-class").has_value());
}

TEST(ClientError, OnlyMessageLevelErrorsKeepTheConnection_Rule13_6) {
  EXPECT_FALSE(ends_connection(ClientError::kBadBody));
  EXPECT_FALSE(ends_connection(ClientError::kErrorResponse));
  EXPECT_FALSE(ends_connection(ClientError::kUnexpectedResponse));
  EXPECT_TRUE(ends_connection(ClientError::kBadFooter));
  EXPECT_TRUE(ends_connection(ClientError::kTimeout));
}

TEST(AdapterProtocol, CommandsRoundTrip) {
  const AdapterCommand batch =
      batch_command({{AdapterRequest::Op::kPut, "k", std::string("v\0w", 3)},
                     {AdapterRequest::Op::kGet, "k", {}}});
  for (const AdapterCommand& command :
       {put_command("k", "v"), get_command(""), close_command(), batch}) {
    std::string error;
    const auto parsed = parse_command(to_json_line(command), error);
    ASSERT_TRUE(parsed.has_value()) << error;
    EXPECT_EQ(to_json_line(*parsed), to_json_line(command));
  }
}

TEST(AdapterProtocol, ResultsRoundTripAndMessagesAreNotCompared) {
  const AdapterResult batch =
      batch_result({stored_result(), found_result("v"), not_found_result(), closed_result()});
  for (const AdapterResult& result : {batch, error_result("timeout", "no response in 2 s")}) {
    std::string error;
    const auto parsed = parse_result(to_json_line(result), error);
    ASSERT_TRUE(parsed.has_value()) << error;
    EXPECT_EQ(*parsed, result);
  }
  EXPECT_TRUE(same_result(error_result("reset"), error_result("reset", "any text")));
  EXPECT_FALSE(same_result(error_result("reset"), error_result("closed")));
  EXPECT_FALSE(same_result(found_result("a"), found_result("b")));
}

TEST(AdapterProtocol, RejectsLinesOutsideTheContract) {
  for (const char* line :
       {"", "garbage", "[]", R"({"op":"delete","key":"k"})", R"({"op":"put","key":"k"})",
        R"({"op":"get","key":7})", R"({"op":"batch","requests":[{"op":"close"}]})"}) {
    std::string error;
    EXPECT_FALSE(parse_command(line, error).has_value()) << line;
    EXPECT_FALSE(error.empty()) << line;
  }
  std::string error;
  EXPECT_FALSE(parse_result(R"({"result":"maybe"})", error).has_value());
  EXPECT_FALSE(parse_result(R"({"result":"error"})", error).has_value());
}

}  // namespace
}  // namespace kv
