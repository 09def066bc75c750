// Unit tests of client exploration's pure parts and of the data the client
// cases share: the edge strings, the legal response forms, the answer
// planner (the oracle), the result patterns, the script format, the
// generator's determinism and the shrinker (against a predicate that needs
// no adapter). Properties (RapidCheck) range over seeds, program numbers,
// keys and values.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstring>

#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "codec/utf8.h"
#include "conformance/client/client_answers.h"
#include "conformance/client/client_program_generator.h"
#include "conformance/client/client_script.h"
#include "conformance/client/client_shrinker.h"
#include "conformance/client/response_forms.h"
#include "conformance/client/result_pattern.h"
#include "conformance/wire/edge_strings.h"

namespace kv {
namespace {

namespace asio = boost::asio;

// Decodes one whole frame of `bytes`: the message, or the error's class.
struct Decoded {
  DecodeStatus status = DecodeStatus::kNeedMore;
  Message message;
  std::string error;
};

Decoded decode(const std::string& bytes, std::uint32_t max = kDefaultMaxFrameLen) {
  FrameDecoder decoder(DecoderOptions{max});
  decoder.input().ensure_writable(bytes.size());
  std::memcpy(decoder.input().write_ptr(), bytes.data(), bytes.size());
  decoder.input().commit(bytes.size());
  Decoded d;
  const DecodeResult r = decoder.next(d.message);
  d.status = r.status;
  if (r.status != DecodeStatus::kFrame && r.status != DecodeStatus::kNeedMore) {
    d.error = std::string(frame_error_name(r.error));
  }
  return d;
}

TEST(EdgeStrings, EveryFamilyIsValidUtf8AndNonEmpty) {
  for (const EdgeFamily family : all_edge_families()) {
    const std::vector<std::string> strings = edge_strings(family);
    EXPECT_FALSE(strings.empty()) << edge_family_name(family);
    for (const std::string& s : strings) {
      EXPECT_TRUE(is_valid_utf8(s)) << edge_family_name(family);
    }
  }
  EXPECT_EQ(edge_strings(EdgeFamily::kLengths, 300).back().size(), 256U);
}

TEST(EdgeStrings, EveryInvalidUtf8ClassIsInvalid) {
  for (const InvalidUtf8& bad : invalid_utf8_classes()) {
    std::string text = "v";
    text.append(bad.bytes);
    text.push_back('w');
    EXPECT_FALSE(is_valid_utf8(text)) << bad.name;
  }
}

TEST(EdgeStrings, PatternedStringsShowWhereTheyWereCut) {
  EXPECT_EQ(patterned_string(100).size(), 100U);
  EXPECT_NE(patterned_string(100).substr(0, 50), patterned_string(100).substr(50));
  EXPECT_EQ(patterned_string(100).substr(0, 10), patterned_string(10));
}

RC_GTEST_PROP(EdgeStrings, LookalikesDifferAndStayValid, ()) {
  const auto family = *rc::gen::elementOf(all_edge_families());
  const auto strings = edge_strings(family, 2000);
  const std::string key = *rc::gen::elementOf(strings);
  for (const LookalikeKey& other : lookalike_keys(key)) {
    RC_ASSERT(other.key != key);
    RC_ASSERT(is_valid_utf8(other.key));
  }
}

TEST(ResponseForms, EveryFormDecodesToTheSameMessage_Rule13_4) {
  const Message hit = make_get_hit("k\xc3\xa9y", std::string("v\0w", 3));
  for (const ResponseForm form : all_response_forms()) {
    for (const Message& m : {hit, make_get_miss("m"), make_put_ack(), make_error_response()}) {
      const Decoded d = decode(response_frame(m, form));
      ASSERT_EQ(d.status, DecodeStatus::kFrame) << response_form_name(form);
      EXPECT_TRUE(same_message(d.message, m)) << response_form_name(form);
    }
  }
}

TEST(ResponseForms, EveryMalformedTailIsABadBody_Rule13_7) {
  for (const auto& [label, tail] : malformed_body_tails()) {
    const std::string body = std::string("\x0a\x01k\x18\x02", 5) + tail;
    const Decoded d = decode(encode_raw_frame_to_string(body));
    EXPECT_EQ(d.status, DecodeStatus::kBadBody) << label;
  }
}

TEST(ResponseForms, PaddedVarintsKeepTheirValue) {
  EXPECT_EQ(padded_varint(2, 1), std::string("\x02", 1));
  EXPECT_EQ(padded_varint(2, 3), std::string("\x82\x80\x00", 3));
  EXPECT_EQ(padded_varint(300, 1).size(), 2U);  // Never shorter than minimal.
  EXPECT_EQ(padded_varint(1, 10).size(), 10U);
}

ServerAnswer answer(Fault fault, std::int64_t param = 0) {
  ServerAnswer a;
  a.fault = fault;
  a.param = param;
  return a;
}

AdapterRequest put_request(std::string key, std::string value) {
  return {AdapterRequest::Op::kPut, std::move(key), std::move(value)};
}
AdapterRequest get_request(std::string key) {
  return {AdapterRequest::Op::kGet, std::move(key), {}};
}

TEST(AnswerPlan, TheModelStoresWhatItAcknowledges_Rule13_8) {
  ModelStore store;
  AnswerPlan ack = plan_answer(put_request("k", "v"), {}, store, kDefaultMaxFrameLen, "");
  EXPECT_TRUE(result_matches(ack.want, stored_result()));
  EXPECT_EQ(store.at("k"), "v");
  AnswerPlan hit = plan_answer(get_request("k"), {}, store, kDefaultMaxFrameLen, "");
  EXPECT_TRUE(result_matches(hit.want, found_result("v")));
  EXPECT_TRUE(same_message(decode(hit.bytes).message, make_get_hit("k", "v")));
  AnswerPlan miss = plan_answer(get_request("x"), {}, store, kDefaultMaxFrameLen, "");
  EXPECT_TRUE(result_matches(miss.want, not_found_result()));
  // A PUT answered with a misbehaviour changes nothing.
  plan_answer(put_request("k", "w"), answer(Fault::kBadFooter), store, kDefaultMaxFrameLen, "");
  EXPECT_EQ(store.at("k"), "v");
}

TEST(AnswerPlan, EveryFaultAsksForItsErrorClass) {
  struct Expect {
    Fault fault;
    const char* error_class;
    std::string decoded_error;  // What the codec says of the bytes, "" if a frame or nothing.
  };
  const std::vector<Expect> expects = {
      {Fault::kLenAboveMax, "length-too-large", "length-too-large"},
      {Fault::kLenBelowFive, "length-too-small", "length-too-small"},
      {Fault::kBadFooter, "bad-footer", "bad-footer"},
      {Fault::kMalformedBody, "bad-body", "bad-body"},
      {Fault::kInvalidUtf8, "bad-body", "bad-body"},
      {Fault::kErrorResponse, "error-response", ""},
      {Fault::kWrongKind, "unexpected-response", ""},
      {Fault::kOtherKey, "unexpected-response", ""},
      {Fault::kBadStatus, "unexpected-response", ""},
      {Fault::kCloseBefore, "closed", ""},
      {Fault::kTruncate, "truncated", ""},
      {Fault::kResetBefore, "reset", ""},
      {Fault::kResetInside, "reset", ""},
      {Fault::kSilence, "timeout", ""},
      {Fault::kStall, "timeout", ""},
      {Fault::kDripPastTimeout, "timeout", ""},
  };
  for (const Expect& e : expects) {
    for (std::int64_t param = 0; param < 8; ++param) {
      ModelStore store;
      const std::int64_t p = e.fault == Fault::kWrongKind   ? 4
                             : e.fault == Fault::kBadStatus ? 7
                                                            : param;
      const AnswerPlan plan =
          plan_answer(get_request("key"), answer(e.fault, p), store, kDefaultMaxFrameLen, "");
      EXPECT_TRUE(result_matches(plan.want, error_result(e.error_class))) << fault_name(e.fault);
      EXPECT_EQ(plan.ends_stream, fault_ends_stream(e.fault)) << fault_name(e.fault);
      if (!e.decoded_error.empty()) {
        const Decoded d = decode(plan.bytes);
        const std::string seen = d.status == DecodeStatus::kBadBody ? "bad-body" : d.error;
        EXPECT_EQ(seen, e.decoded_error) << fault_name(e.fault) << " " << param;
      }
    }
  }
}

TEST(AnswerPlan, AnAnswerAboveTheClientsMaximumIsLengthTooLarge_Rule13_5) {
  ModelStore store{{"k", std::string(200, 'v')}};
  const AnswerPlan plan = plan_answer(get_request("k"), {}, store, 64, "");
  EXPECT_TRUE(result_matches(plan.want, error_result("length-too-large")));
  EXPECT_TRUE(plan.framing_error);
}

TEST(AnswerPlan, FillLenMakesAHitOfExactlyThatLen) {
  for (const std::uint32_t len : {64U, 200U, 70000U, 4194304U}) {
    ModelStore store;
    ServerAnswer a;
    a.fill_len = len;
    const AnswerPlan plan = plan_answer(get_request("k"), a, store, len, "");
    EXPECT_EQ(plan.bytes.size(), len + kHeaderBytes) << len;
    EXPECT_EQ(plan.want.exact.kind, AdapterResult::Kind::kFound);
  }
}

TEST(ResultPattern, WildcardsAcceptWhatTheContractLeavesOpen) {
  const ResultPattern batch = ResultPattern::batch(
      {ResultPattern::of(found_result("v")), ResultPattern::of(error_result("closed")),
       ResultPattern::any_error(), ResultPattern::or_any_error(stored_result())});
  EXPECT_TRUE(result_matches(batch, batch_result({found_result("v"), error_result("closed"),
                                                  error_result("io-error"), stored_result()})));
  EXPECT_TRUE(
      result_matches(batch, batch_result({found_result("v"), error_result("closed"),
                                          error_result("reset"), error_result("timeout")})));
  EXPECT_FALSE(result_matches(batch, batch_result({found_result("v"), error_result("closed"),
                                                   stored_result(), stored_result()})));
  EXPECT_FALSE(result_matches(batch, batch_result({found_result("v")})));
  EXPECT_EQ(describe(ResultPattern::or_any_error(stored_result())),
            "stored or an error (any class)");
}

ClientGeneratorConfig generator(std::uint64_t seed) {
  ClientGeneratorConfig config;
  config.seed = seed;
  return config;
}

RC_GTEST_PROP(ClientProgram, TheSameSeedAndIndexGiveTheSameProgram, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  const auto index = *rc::gen::inRange<std::uint64_t>(1, 1000);
  const ClientProgram a = generate_client_program(generator(seed), index);
  const ClientProgram b = generate_client_program(generator(seed), index);
  RC_ASSERT(describe_program(a) == describe_program(b));
  RC_ASSERT(!a.steps.empty());
}

RC_GTEST_PROP(ClientProgram, GeneratedProgramsKeepTheContract, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  const auto index = *rc::gen::inRange<std::uint64_t>(1, 1000);
  const ClientProgram p = generate_client_program(generator(seed), index);
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const ClientStep& s = p.steps[i];
    if (s.op == StepOp::kClose) continue;
    RC_ASSERT(!s.requests.empty());
    for (const AdapterRequest& r : s.requests) {
      RC_ASSERT(is_valid_utf8(r.key));
      RC_ASSERT(is_valid_utf8(r.value));
    }
    if (s.refuse) {
      // Only after a close: the client has no connection open.
      RC_ASSERT(i > 0 && p.steps[i - 1].op == StepOp::kClose);
      continue;
    }
    RC_ASSERT(s.answers.size() == s.requests.size());
    bool ended = false;
    for (const ServerAnswer& a : s.answers) {
      // Nothing misbehaves after the stream ended: it would never be sent.
      if (ended) RC_ASSERT(a.fault == Fault::kNone);
      ended = ended || fault_ends_stream(a.fault);
    }
    if (s.extra_frame) RC_ASSERT(i + 1 < p.steps.size() && p.steps[i + 1].op == StepOp::kClose);
  }
}

RC_GTEST_PROP(ClientScript, RoundTripKeepsTheProgram, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  const auto index = *rc::gen::inRange<std::uint64_t>(1, 1000);
  ClientScript script;
  script.program = generate_client_program(generator(seed), index);
  script.seed = seed;
  script.program_index = index;
  script.max_frame_bytes = kDefaultMaxFrameLen;
  script.failure = ClientFailure{ClientFailureKind::kResult, "13.8", 2, "want", "got"};
  std::string error;
  const std::optional<ClientScript> back =
      client_script_from_json(client_script_to_json(script), error);
  RC_ASSERT(back.has_value());
  RC_ASSERT(client_script_to_json(*back) == client_script_to_json(script));
  RC_ASSERT(describe_program(back->program) == describe_program(script.program));
  RC_ASSERT(back->failure->kind == ClientFailureKind::kResult);
}

TEST(ClientScript, RejectsWhatIsNotAScript) {
  std::string error;
  EXPECT_FALSE(client_script_from_json("[]", error).has_value());
  EXPECT_FALSE(client_script_from_json(R"({"schema": "kvconform-explore-script/1"})", error));
  EXPECT_NE(error.find("not a client script"), std::string::npos);
  EXPECT_FALSE(client_script_from_json(
      R"({"schema": "kvconform-client-script/1", "steps": [{"op": "jump"}]})", error));
  EXPECT_NE(error.find("jump"), std::string::npos);
}

// Shrinks `program` against a predicate that fails while some request
// carries a value with U+0000 (as a client that cuts strings there would).
ClientProgram shrink_offline(ClientProgram program, int& runs) {
  asio::io_context io;
  const ClientStillFails still_fails = [](const ClientProgram& p) -> asio::awaitable<bool> {
    for (const ClientStep& s : p.steps) {
      for (const AdapterRequest& r : s.requests) {
        if (r.value.find('\0') != std::string::npos) co_return true;
      }
    }
    co_return false;
  };
  ClientShrinkStats stats;
  auto future = asio::co_spawn(
      io,
      shrink_client_program(std::move(program), still_fails, std::chrono::seconds(30), 1000, stats),
      asio::use_future);
  io.run();
  runs = stats.runs;
  return future.get();
}

RC_GTEST_PROP(ClientShrinker, LeavesOneStepWithTheCause, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  ClientProgram program = generate_client_program(generator(seed), 1);
  ClientStep cause;
  cause.op = StepOp::kBatch;
  cause.requests = {get_request("a"), put_request("\xc3\xa9k", std::string("x\0yz", 4)),
                    get_request("b")};
  cause.answers.resize(3);
  const auto at = *rc::gen::inRange<std::size_t>(0, program.steps.size() + 1);
  program.steps.insert(program.steps.begin() + static_cast<std::ptrdiff_t>(at), cause);
  int runs = 0;
  const ClientProgram minimal = shrink_offline(program, runs);
  RC_ASSERT(minimal.steps.size() == 1U);
  RC_ASSERT(minimal.steps[0].requests.size() == 1U);
  RC_ASSERT(minimal.steps[0].op == StepOp::kPut);
  RC_ASSERT(minimal.steps[0].requests[0].value.find('\0') != std::string::npos);
  RC_ASSERT(is_valid_utf8(minimal.steps[0].requests[0].key));
}

}  // namespace
}  // namespace kv
