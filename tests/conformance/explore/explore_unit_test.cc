// Unit tests of kvconform explore's pure parts: the script format, the
// generator's determinism, the shrinker (against a predicate that needs
// no server), the request encodings and the spec model's judgements.
// Properties (RapidCheck) range over seeds, program numbers, keys and
// values; the examples pin the judgements to SPEC rules.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/use_future.hpp>

#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/engine/server_health.h"
#include "conformance/explore/body_forms.h"
#include "conformance/explore/explore_statistics.h"
#include "conformance/explore/key_space.h"
#include "conformance/explore/program_generator.h"
#include "conformance/explore/program_script.h"
#include "conformance/explore/program_stream.h"
#include "conformance/explore/request_classes.h"
#include "conformance/explore/request_encoding.h"
#include "conformance/explore/shrinker.h"
#include "conformance/explore/spec_model.h"
#include "conformance/explore/statistics_section.h"
#include "conformance/explore/stream_oracle.h"

namespace kv {
namespace {

namespace asio = boost::asio;

Request put(std::string key, std::string value) {
  Request r;
  r.op = RequestOp::kPut;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

Request get(std::string key) {
  Request r;
  r.op = RequestOp::kGet;
  r.key = std::move(key);
  return r;
}

Step send(int conn, std::vector<Request> requests) {
  Step s;
  s.conn = conn;
  s.requests = std::move(requests);
  return s;
}

ReadEvent frame(const Message& m) {
  ReadEvent e;
  e.kind = ReadEventKind::kFrame;
  e.message = m;
  return e;
}

TEST(ExploreScript, RoundTripKeepsEveryFieldAndInvalidUtf8) {
  ExploreScript script;
  script.profile = "sequential";
  script.max_frame_bytes = 1024;
  script.seed = 7;
  Request odd = put(std::string("a\0\xff", 3), "\xc0\x80");
  odd.form = BodyForm::kRepeatedFields;
  odd.status = 7;
  odd.repeat = 3;
  Request bad;
  bad.op = RequestOp::kFramingError;
  bad.framing = FramingClass::kLengthTooLarge;
  bad.len = 0xFFFFFFFFU;
  Step first = send(1, {odd, bad});
  first.shape = WriteShape::split_at(5);
  first.hold = 3;
  Step churn;
  churn.action = StepAction::kChurn;
  churn.count = 65;
  Step terminate;
  terminate.action = StepAction::kTerminate;
  terminate.ms = 250;
  terminate.count = 512;
  script.program.steps = {first, churn, terminate};
  const std::string text = script_to_json(script);
  std::string error;
  const std::optional<ExploreScript> back = script_from_json(text, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(script_to_json(*back), text);
  EXPECT_EQ(back->program.steps[0].requests[0].key, std::string("a\0\xff", 3));
  EXPECT_EQ(back->program.steps[0].shape.cut, 5U);
  EXPECT_EQ(back->program.steps[2].action, StepAction::kTerminate);
  EXPECT_EQ(back->program.steps[2].ms, 250);
  EXPECT_EQ(back->program.steps[2].count, 512);
  EXPECT_EQ(back->profile, "sequential");
}

TEST(ExploreScript, RejectsOtherSchemasAndUnknownNames) {
  std::string error;
  EXPECT_FALSE(script_from_json(R"({"schema": "x", "steps": []})", error));
  EXPECT_FALSE(script_from_json(
      R"({"schema": "kvconform-explore-script/1", "steps": [{"action": "dance"}]})", error));
  EXPECT_NE(error.find("dance"), std::string::npos);
}

TEST(ExploreGenerator, SameSeedAndIndexGiveTheSameProgram) {
  GeneratorConfig config;
  config.seed = 99;
  ExploreScript a, b, c;
  a.program = generate_program(config, 5);
  b.program = generate_program(config, 5);
  c.program = generate_program(config, 6);
  EXPECT_EQ(script_to_json(a), script_to_json(b));
  EXPECT_NE(script_to_json(a), script_to_json(c));
}

// The backlog shape (SPEC 8.1, 11.4): a connection pipelines GETs of one
// value near the maximum LEN, tens of MiB of responses, and sends one more
// request before it reads them; in the concurrent profile another
// connection is read promptly in between. The sequential profile never
// judges another connection's promptness (SPEC 11.2).
TEST(ExploreGenerator, SomeProgramsLeaveABacklogThatAnotherConnectionMustNotWaitFor) {
  GeneratorConfig config;
  config.seed = 1;
  int backlogs = 0;
  for (std::uint64_t index = 1; index <= 100; ++index) {
    const Program p = generate_program(config, index);
    ASSERT_LE(p.steps.size(), static_cast<std::size_t>(config.max_steps));
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
      const Step& gets = p.steps[i];
      if (gets.action != StepAction::kSend || gets.requests.size() < 4 ||
          gets.requests.front().op != RequestOp::kGet ||
          gets.requests.front().key.rfind("bl", 0) != 0) {
        continue;
      }
      ++backlogs;
      for (const Request& r : gets.requests) EXPECT_EQ(r.key, gets.requests.front().key);
      ASSERT_GE(i, 3U);
      EXPECT_EQ(p.steps[i - 3].action, StepAction::kClose);
      const Request& big = p.steps[i - 2].requests.at(0);
      EXPECT_EQ(big.key, gets.requests.front().key);
      EXPECT_GE(std::uint64_t{big.fill_len} * gets.requests.size(), 16ULL << 20U);
      int prompt_reads = 0;
      for (std::size_t j = i + 1; j < p.steps.size(); ++j) {
        if (p.steps[j].action != StepAction::kReadPromptly) continue;
        ++prompt_reads;
        EXPECT_NE(p.steps[j].conn, gets.conn);
      }
      EXPECT_EQ(prompt_reads, 2);
      ASSERT_GE(p.steps.size(), i + 3);
      EXPECT_EQ(p.steps[p.steps.size() - 2].action, StepAction::kSend);
      EXPECT_EQ(p.steps[p.steps.size() - 2].conn, gets.conn);
      EXPECT_EQ(p.steps.back().conn, gets.conn);
    }
  }
  EXPECT_GE(backlogs, 3);
  config.profile = Profile::kSequential;
  for (std::uint64_t index = 1; index <= 100; ++index) {
    for (const Step& s : generate_program(config, index).steps) {
      EXPECT_NE(s.action, StepAction::kReadPromptly);
    }
  }
}

TEST(ExploreEncoding, EveryBodyFormDecodesToTheSameRequest) {
  for (int f = 0; f < kBodyFormCount; ++f) {
    const auto form = static_cast<BodyForm>(f);
    Request r = put("k", "v");
    r.form = form;
    r.status = 7;
    FrameDecoder decoder;
    const std::string bytes = encode_request(r, "p/");
    decoder.feed({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    Message m;
    ASSERT_EQ(decoder.next(m).status, DecodeStatus::kFrame) << static_cast<int>(form);
    EXPECT_EQ(m.key(), "p/k");
    EXPECT_EQ(m.value(), "v");
    EXPECT_EQ(m.kind(), 3U);
    EXPECT_EQ(static_cast<int>(m.status()), 7);
  }
}

TEST(ExploreEncoding, FillLenMakesTheFrameExactlyThatLong) {
  Request r = put("k", "v");
  r.fill_len = 1000;
  const std::string bytes = encode_request(r, "prefix/");
  EXPECT_EQ(bytes.size(), 1004U);
}

TEST(ExploreModel, PipelinedRequestsOfOneConnectionTakeEffectInOrder) {
  // A GET sent right behind a PUT of the same key on one connection must
  // see it, though both are pending at once.
  SpecModel model(false, KeySpace::whole_store());
  const Request p = put("k", "v1");
  const Request g = get("k");
  const Expectation ep = model.expect(p, p, 0, 1, 0);
  const Expectation eg = model.expect(g, g, 0, 1, 0);
  model.sent(ep);
  model.sent(eg);
  EXPECT_FALSE(model.judge(ep, frame(make_put_ack()), 5, {&eg}));
  EXPECT_FALSE(model.judge(eg, frame(make_get_miss("k")), 6, {}));
  const auto f = model.check_histories();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rule, "5.1");  // One connection: the PUT must be stored.
}

TEST(ExploreModel, AcceptsExplicitDefaultsAndNamesWhatIsWrong) {
  SpecModel model(false, KeySpace::whole_store());
  const Request p = put("k", "v");
  const Expectation e = model.expect(p, p, 2, 1, 0);
  model.sent(e);
  Message ack = make_put_ack();
  ack.set_key("");
  EXPECT_FALSE(model.judge(e, frame(ack), 1, {}));
  const Request g = get("never");
  const Expectation miss = model.expect(g, g, 3, 1, 0);
  model.sent(miss);
  Message wrong = make_get_miss("never");
  wrong.set_status(Ok);
  const auto f = model.judge(miss, frame(wrong), 2, {});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rule, "5.3");
  EXPECT_EQ(f->step, 3);
}

TEST(ExploreModel, AResponseThatBelongsToALaterRequestIsOutOfOrder) {
  SpecModel model(false, KeySpace::whole_store());
  Request other;
  other.op = RequestOp::kOtherKind;
  other.kind = 5;
  const Request p = put("k", "v");
  const Expectation first = model.expect(other, other, 0, 1, 0);
  const Expectation second = model.expect(p, p, 0, 1, 0);
  const auto f = model.judge(first, frame(make_put_ack()), 1, {&second});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rule, "5.7");
}

ReadEvent hit(const std::string& key, const std::string& value) {
  return frame(make_get_hit(key, value));
}

// The false failure of issue 20: a --target server kept a value under the
// empty key from an earlier program; a program whose only PUT of "" never
// reached the server whole must not call the hit a value from nowhere.
TEST(ExploreModel, TheEmptyKeyIsSharedSoItsValuesAreNeverJudged_Rule5_5) {
  SpecModel model(false, KeySpace::tagged("x0000002a.250.1/"));
  model.forbid("", "v", "6.5");
  const Request g = get("");
  const Expectation e = model.expect(g, g, -1, 90, 0);
  model.sent(e);
  EXPECT_FALSE(model.judge(e, hit("", "v"), 1, {}));
  EXPECT_TRUE(model.keys().empty());
  EXPECT_FALSE(model.check_histories());
  // Its form is still judged: a response for another key is wrong.
  const auto f = model.judge(e, hit("other", "v"), 2, {});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rule, "5.5");
}

TEST(ExploreModel, AnOwnedKeyThatWasNeverWrittenMustMiss_Rule5_2) {
  const std::string tag = "x0000002a.1.1/";
  SpecModel model(false, KeySpace::tagged(tag));
  const Request g = get(tag + "k");
  const Expectation e = model.expect(g, g, 0, 1, 0);
  model.sent(e);
  const auto f = model.judge(e, hit(tag + "k", "v"), 1, {});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rule, "5.2");
}

// ASCII text (U+0000 and control characters included) that never holds
// a tag: tags start with 'x'.
rc::Gen<std::string> untagged_bytes() {
  return rc::gen::container<std::string>(
      rc::gen::suchThat(rc::gen::inRange<char>(0, 0x7f), [](char c) { return c != 'x'; }));
}

// Whatever a shared key's answers say (hits with any value, values the
// program forbade, misses, in any order and on any connection), the model
// finds nothing wrong with them, keeps no history for them and does not
// read them back; only the form of each answer is judged.
RC_GTEST_PROP(ExploreModel, KeysTheProgramDoesNotOwnAreJudgedByFormOnly, ()) {
  const std::string tag = "x0000002a.7.3/";
  SpecModel model(false, KeySpace::tagged(tag));
  const std::string key = *untagged_bytes();
  const auto values = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'z'))));
  for (const std::string& v : values) model.forbid(key, v, "6.5");
  double now = 0;
  for (int i = 0; i < *rc::gen::inRange(1, 12); ++i) {
    const bool is_put = *rc::gen::arbitrary<bool>();
    const Request r = is_put ? put(key, *rc::gen::elementOf(values)) : get(key);
    const Expectation e = model.expect(r, r, i, *rc::gen::inRange(1, 4), now);
    model.sent(e);
    ReadEvent answer = frame(make_put_ack());
    if (!is_put) {
      answer = *rc::gen::arbitrary<bool>() ? hit(key, *rc::gen::elementOf(values))
                                          : frame(make_get_miss(key));
    }
    now += 1;
    RC_ASSERT(!model.judge(e, answer, now, {}));
  }
  RC_ASSERT(model.keys().empty());
  RC_ASSERT(!model.check_histories());
}

// Every run of every program gets keys of its own: a key made with one
// run's tag is owned by no other run, of this process or of another
// (another nonce), so no run's values are judged by another's history.
RC_GTEST_PROP(KeyNamespaces, EveryRunOwnsOnlyItsOwnKeys, ()) {
  const auto nonces = *rc::gen::distinctFrom(rc::gen::arbitrary<std::uint32_t>(), 0U);
  KeyNamespaces first(0), second(nonces);
  std::vector<std::string> tags;
  for (int i = 0; i < *rc::gen::inRange(2, 20); ++i) {
    KeyNamespaces& from = *rc::gen::arbitrary<bool>() ? first : second;
    tags.push_back(from.next(*rc::gen::inRange<std::uint64_t>(1, 30)));
  }
  const std::string logical = *untagged_bytes();
  for (std::size_t i = 0; i < tags.size(); ++i) {
    for (std::size_t j = 0; j < tags.size(); ++j) {
      RC_ASSERT(KeySpace::tagged(tags[j]).owns(tags[i] + logical) == (i == j));
    }
  }
}

TEST(ExploreStatistics, AddsUpRunsAndListsTheRulesNoJudgementRan) {
  ExploreStatistics a, b;
  a.add(kStatSteps, "send", 2);
  a.judged("10.1");
  a.judged("2.5");
  b.add(kStatSteps, "send");
  b.judged("2.10");
  b.add_time(kStatTime, "steps: send", 1.4);
  a.merge(b);
  EXPECT_EQ(a.count(kStatSteps, "send"), 3U);
  EXPECT_EQ(a.time_ms(kStatTime, "steps: send"), 1.4);
  std::vector<std::string> rules;
  for (const auto& group : a.groups()) {
    if (group.name != kStatRules) continue;
    for (const auto& [rule, n] : group.rows) rules.push_back(rule);
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"2.5", "2.10", "10.1"}));
  EXPECT_EQ(a.rules_never_judged({"2.6", "10.1", "2.5", "2.1"}),
            (std::vector<std::string>{"2.1", "2.6"}));
}

TEST(ExploreStatistics, FillTheReportSectionWithRatesAndRuleCoverage) {
  ExploreStatistics stats;
  stats.add(kStatSteps, "send", 30);
  stats.add(kStatSteps, "read", 10);
  stats.add_time(kStatTime, "steps: send", 250);
  for (int i = 0; i < 4; ++i) stats.judged("5.2");
  RunStatistics out;
  fill_statistics_section(stats, 2.0, {"5.2", "12.5"}, out);
  const StatGroup& steps = out.group("explore: " + std::string(kStatSteps));
  EXPECT_EQ(steps.value("send"), 30);
  const StatGroup& programs = out.group("explore: " + std::string(kStatPrograms));
  EXPECT_EQ(programs.value("steps"), 40);
  EXPECT_EQ(programs.value("steps per second"), 20);
  EXPECT_EQ(out.group("explore: " + std::string(kStatTime)).counters.at(0).unit, "ms");
  EXPECT_EQ(out.rules_judged().at("5.2"), 4U);
  EXPECT_EQ(out.rules_never_exercised(), std::vector<std::string>{"12.5"});
  // Every server rule explore can cite is one of the outline's sections 2 to 12.
  const std::vector<std::string> rules = server_rules();
  EXPECT_NE(std::find(rules.begin(), rules.end(), "5.2"), rules.end());
  EXPECT_NE(std::find(rules.begin(), rules.end(), "12.6"), rules.end());
}

TEST(ExploreClasses, KeysAndValuesAreClassifiedByTheirBytes) {
  const auto has = [](const std::vector<std::string>& families, const std::string& f) {
    return std::find(families.begin(), families.end(), f) != families.end();
  };
  EXPECT_EQ(key_families("k1"), std::vector<std::string>{"plain"});
  EXPECT_TRUE(has(key_families(std::string("a\0b", 3)), "U+0000"));
  EXPECT_TRUE(has(key_families(" k"), "whitespace at an end"));
  EXPECT_TRUE(has(key_families("a\r\nb"), "CR or LF"));
  EXPECT_TRUE(has(key_families("\xf0\x9f\x98\x80"), "beyond U+FFFF"));
  EXPECT_TRUE(has(key_families("\xff"), "invalid UTF-8"));
  EXPECT_TRUE(has(key_families(std::string(300, 'a')), "over 256 bytes"));
  Request r = put("k", "v@EOF@");
  EXPECT_TRUE(has(value_families(r), "footer inside"));
  r.fill_len = 100;
  EXPECT_EQ(value_families(r), std::vector<std::string>{"at the maximum LEN"});
}

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Every ending of a spoiled PUT makes the reference decoder reject the
// body, while the PUT's own fields before it parse: a bad body whose valid
// fields come first.
RC_GTEST_PROP(ExploreEncoding, ASpoiledPutIsABadBodyWhoseFirstFieldsParse_Rule6_4, ()) {
  Request r = put(*rc::gen::container<std::string>(rc::gen::inRange<char>(' ', '~')),
                  *rc::gen::container<std::string>(rc::gen::inRange<char>(' ', '~')));
  r.op = RequestOp::kSpoiledPut;
  r.tail = *rc::gen::inRange<std::uint32_t>(0, kSpoiledTailCount);
  const std::string frame = encode_one(r);
  FrameDecoder decoder;
  decoder.feed(as_bytes(frame));
  Message m;
  RC_ASSERT(decoder.next(m).status == DecodeStatus::kBadBody);
  const std::string tail(kSpoiledTails[r.tail]);
  Request whole = r;
  whole.op = RequestOp::kPut;
  RC_ASSERT(frame.substr(kHeaderBytes, frame.size() - kHeaderBytes - kFooterBytes) ==
            encode_one(whole).substr(kHeaderBytes, encode_one(whole).size() - kHeaderBytes -
                                                       kFooterBytes) +
                tail);
}

// The stream oracle: a server that applies the fields of a bad body
// before the fault is caught when the key is read back.
TEST(StreamOracle, AppliedFieldsOfABadBodyAreAValueFromNowhere_Rule6_4) {
  SpecModel model(false, KeySpace::whole_store());
  StreamOracle oracle(model, kDefaultMaxFrameLen);
  oracle.opened(1);
  Request spoiled = put("k", "v");
  spoiled.op = RequestOp::kSpoiledPut;
  spoiled.tail = 1;
  oracle.client_wrote(1, as_bytes(encode_one(spoiled) + encode_one(get("k"))), 1);
  oracle.server_wrote(1, as_bytes(encode_frame_to_string(make_error_response())), 2);
  EXPECT_FALSE(oracle.failure());
  oracle.server_wrote(1, as_bytes(encode_frame_to_string(make_get_hit("k", "v"))), 3);
  ASSERT_TRUE(oracle.failure());
  EXPECT_EQ(oracle.failure()->rule, "6.4");
}

TEST(StreamOracle, AfterAFramingErrorOneErrorFrameThenTheClose_Rule6_1) {
  SpecModel model(false, KeySpace::whole_store());
  StreamOracle oracle(model, 64);
  oracle.opened(1);
  oracle.client_wrote(1, as_bytes(encode_one(put("k", "v")) + std::string("\xff\x00\x00\x00", 4)), 1);
  oracle.server_wrote(1, as_bytes(encode_frame_to_string(make_put_ack())), 2);
  EXPECT_TRUE(oracle.awaits_server(1));
  oracle.server_wrote(1, as_bytes(encode_frame_to_string(make_error_response())), 3);
  oracle.server_closed(1, 4);
  EXPECT_FALSE(oracle.failure());
  // A second error frame is one too many.
  oracle.opened(2);
  oracle.client_wrote(2, as_bytes(std::string("\x01\x00\x00\x00", 4)), 5);
  const std::string error = encode_frame_to_string(make_error_response());
  oracle.server_wrote(2, as_bytes(error + error), 6);
  ASSERT_TRUE(oracle.failure());
  EXPECT_EQ(oracle.failure()->rule, "6.1");
}

TEST(StreamOracle, AServerThatEndsAConnectionWithRequestsDueFails) {
  SpecModel model(false, KeySpace::whole_store());
  StreamOracle oracle(model, kDefaultMaxFrameLen);
  oracle.opened(1);
  oracle.client_wrote(1, as_bytes(encode_one(get("k"))), 1);
  oracle.client_half_closed(1, 2);
  oracle.server_closed(1, 3);
  ASSERT_TRUE(oracle.failure());
  EXPECT_EQ(oracle.failure()->rule, "8.2");
}

// Every program runs once, no more than `at_once` at a time, and a paused
// stream starts none until the ones in flight are drained.
TEST(ProgramStream, RunsEveryProgramOnceAndAtMostSoManyAtOnce) {
  asio::io_context io;
  int running = 0;
  int most = 0;
  std::vector<std::uint64_t> seen;
  const ProgramStream::Runner runner = [&](const Program&,
                                           std::uint64_t index) -> asio::awaitable<ProgramRun> {
    most = std::max(most, ++running);
    asio::steady_timer wait(co_await asio::this_coro::executor);
    wait.expires_after(std::chrono::milliseconds(static_cast<int>(index % 3) * 5));
    co_await wait.async_wait(asio::use_awaitable);
    --running;
    ProgramRun run;
    run.steps = index;
    co_return run;
  };
  GeneratorConfig config;
  config.max_steps = 3;
  ProgramStream stream(io.get_executor(), config, 3, runner);
  bool drained = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (seen.size() < 20) {
          const auto finished = co_await stream.next();
          if (!finished) break;
          EXPECT_EQ(finished->run.steps, finished->index);
          seen.push_back(finished->index);
        }
        stream.pause();
        while (const auto finished = co_await stream.next()) seen.push_back(finished->index);
        drained = stream.in_flight() == 0;
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(drained);
  EXPECT_EQ(most, 3);
  // The programs started, and no more: the 20 taken and those in flight.
  EXPECT_GE(seen.size(), 20U);
  EXPECT_LE(seen.size(), 22U);
  std::sort(seen.begin(), seen.end());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

// Under --exec some programs end with a terminate step, drawn after the
// steps (so the steps are those of the same program without --exec); a
// program that stops the server runs alone in the stream.
TEST(ProgramStream, AProgramThatStopsTheServerRunsAlone) {
  GeneratorConfig config;
  config.seed = 9;
  config.max_steps = 4;
  config.terminate = true;
  GeneratorConfig without = config;
  without.terminate = false;
  int stopping = 0;
  for (std::uint64_t i = 1; i <= 200; ++i) {
    const Program p = generate_program(config, i);
    if (!stops_server(p)) continue;
    ++stopping;
    EXPECT_EQ(p.steps.back().action, StepAction::kTerminate);
    const Program plain = generate_program(without, i);
    ASSERT_GE(p.steps.size(), plain.steps.size());
    EXPECT_EQ(describe_step(p.steps[0]), describe_step(plain.steps[0]));
  }
  EXPECT_GT(stopping, 3);
  asio::io_context io;
  int running = 0;
  bool overlapped = false;
  const ProgramStream::Runner runner = [&](const Program& program,
                                           std::uint64_t index) -> asio::awaitable<ProgramRun> {
    ++running;
    asio::steady_timer wait(co_await asio::this_coro::executor);
    wait.expires_after(std::chrono::milliseconds(2));
    co_await wait.async_wait(asio::use_awaitable);
    if (stops_server(program) && running > 1) overlapped = true;
    --running;
    ProgramRun run;
    run.steps = index;
    co_return run;
  };
  ProgramStream stream(io.get_executor(), config, 4, runner);
  int seen = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (seen < 120) {
          if (!co_await stream.next()) break;
          ++seen;
        }
        stream.pause();
        while (co_await stream.next()) ++seen;
      },
      asio::detached);
  io.run();
  EXPECT_GE(seen, 120);
  EXPECT_FALSE(overlapped);
}

TEST(ExploreShrinker, FindsTheOneStepThatMatters) {
  Program p;
  for (int i = 0; i < 20; ++i) p.steps.push_back(send(i % 3, {put("k" + std::to_string(i), "v")}));
  p.steps[13].requests.push_back(get("culprit-with-a-long-key"));
  p.steps[13].shape = WriteShape::byte_by_byte();
  // Fails while some GET's key starts with "c".
  const StillFails fails = [](const Program& candidate) -> asio::awaitable<bool> {
    for (const Step& s : candidate.steps) {
      for (const Request& r : s.requests) {
        if (r.op == RequestOp::kGet && !r.key.empty() && r.key[0] == 'c') co_return true;
      }
    }
    co_return false;
  };
  asio::io_context io;
  ShrinkStats stats;
  Program result;
  asio::co_spawn(io, shrink_program(p, fails, std::chrono::seconds(10), 1000, stats),
                 [&](std::exception_ptr e, Program shrunk) {
                   ASSERT_FALSE(e);
                   result = std::move(shrunk);
                 });
  io.run();
  ASSERT_EQ(result.steps.size(), 1U);
  ASSERT_EQ(result.steps[0].requests.size(), 1U);
  EXPECT_EQ(result.steps[0].requests[0].key, "c");
  EXPECT_EQ(result.steps[0].shape.kind, ShapeKind::kWhole);
  EXPECT_EQ(result.steps[0].conn, 0);
  EXPECT_GT(stats.accepted, 0);
}

// Runs the shrinker to completion on `p` with a predicate that needs no
// server.
Program shrink_now(const Program& p, const StillFails& fails, ShrinkStats& stats) {
  asio::io_context io;
  Program result;
  bool done = false;
  asio::co_spawn(io, shrink_program(p, fails, std::chrono::seconds(10), 2000, stats),
                 [&](std::exception_ptr e, Program shrunk) {
                   done = !e;
                   result = std::move(shrunk);
                 });
  io.run();
  RC_ASSERT(done);
  return result;
}

GeneratorConfig any_generator_config() {
  GeneratorConfig config;
  config.seed = *rc::gen::arbitrary<std::uint64_t>();
  config.connections = *rc::gen::inRange(1, 5);
  config.max_steps = *rc::gen::inRange(1, 40);
  config.profile = *rc::gen::element(Profile::kConcurrent, Profile::kSequential);
  return config;
}

RC_GTEST_PROP(ExploreGenerator, ProgramsRespectTheirLimitsAndRoundTripAsScripts, ()) {
  const GeneratorConfig config = any_generator_config();
  const auto index = *rc::gen::inRange<std::uint64_t>(1, 100000);
  ExploreScript script;
  script.program = generate_program(config, index);
  RC_ASSERT(!script.program.steps.empty());
  RC_ASSERT(script.program.steps.size() <= static_cast<std::size_t>(config.max_steps));
  for (const Step& step : script.program.steps) {
    RC_ASSERT(step.conn >= 0);
    RC_ASSERT(step.conn < config.connections);
  }
  const std::string text = script_to_json(script);
  std::string error;
  const std::optional<ExploreScript> back = script_from_json(text, error);
  RC_ASSERT(back.has_value());
  RC_ASSERT(script_to_json(*back) == text);
}

RC_GTEST_PROP(ExploreEncoding, PutsAndGetsOfAnyUtf8KeyDecodeAsSentInEveryForm_Rule4_2, ()) {
  // Printable ASCII plus a NUL: always valid UTF-8 (SPEC 4.3).
  const auto text = rc::gen::container<std::string>(
      rc::gen::oneOf(rc::gen::inRange<char>(' ', '~'), rc::gen::just('\0')));
  Request r = *rc::gen::element(put("", ""), get(""));
  r.key = *text;
  r.value = *text;
  r.form = static_cast<BodyForm>(*rc::gen::inRange(0, kBodyFormCount));
  r.repeat = *rc::gen::inRange<std::uint32_t>(1, 4);
  const std::string bytes = encode_request(r, "p/");
  RC_ASSERT(bytes.size() == request_wire_bytes(r, "p/", kDefaultMaxFrameLen));
  FrameDecoder decoder;
  decoder.feed({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  for (std::uint32_t copy = 0; copy < r.repeat; ++copy) {
    Message m;
    RC_ASSERT(decoder.next(m).status == DecodeStatus::kFrame);
    const Request wire = concrete_copy(r, "p/", copy);
    RC_ASSERT(m.key() == wire.key);
    RC_ASSERT(m.kind() == (r.op == RequestOp::kPut ? 3U : 1U));
    if (r.op == RequestOp::kPut) RC_ASSERT(m.value() == r.value);
  }
  Message rest;
  RC_ASSERT(decoder.next(rest).status == DecodeStatus::kNeedMore);
}

RC_GTEST_PROP(ExploreShrinker, KeepsTheFailureAndNeverGrows, ()) {
  GeneratorConfig config = any_generator_config();
  Program p = generate_program(config, *rc::gen::inRange<std::uint64_t>(1, 1000));
  // The failure: some step sends a GET of "culprit"; plant one.
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, p.steps.size());
  p.steps.insert(p.steps.begin() + static_cast<std::ptrdiff_t>(at), send(0, {get("culprit")}));
  const StillFails fails = [](const Program& candidate) -> asio::awaitable<bool> {
    for (const Step& s : candidate.steps) {
      if (s.action != StepAction::kSend) continue;
      for (const Request& r : s.requests) {
        if (r.op == RequestOp::kGet && r.key.find('c') != std::string::npos) co_return true;
      }
    }
    co_return false;
  };
  ShrinkStats stats;
  const Program shrunk = shrink_now(p, fails, stats);
  RC_ASSERT(asio::co_spawn(asio::system_executor(), fails(shrunk), asio::use_future).get());
  RC_ASSERT(shrunk.steps.size() == 1U);
  RC_ASSERT(program_request_bytes(shrunk) <= program_request_bytes(p));
  RC_ASSERT(!stats.out_of_budget);
  // The shrink path (the fallback when the result does not confirm) holds
  // every accepted candidate, none larger than the one before, and ends
  // with the result.
  RC_ASSERT(stats.path.size() == static_cast<std::size_t>(stats.accepted));
  for (std::size_t i = 1; i < stats.path.size(); ++i) {
    RC_ASSERT(stats.path[i].steps.size() <= stats.path[i - 1].steps.size());
    RC_ASSERT(program_request_bytes(stats.path[i]) <= program_request_bytes(stats.path[i - 1]));
  }
  if (!stats.path.empty()) {
    const auto json_of = [](const Program& program) {
      ExploreScript script;
      script.program = program;
      return script_to_json(script);
    };
    RC_ASSERT(json_of(compact_connections(stats.path.back())) == json_of(shrunk));
  }
}

// The idle probes (SPEC 9.4): some programs leave a connection quiet for
// 56 to 63% of the stated idle timeout after an answered request, then
// send on it and read the answer; the pause follows the timeout stated.
TEST(ExploreGenerator, IdleProbesPauseForMostOfTheStatedTimeout) {
  for (const int idle_ms : {10000, 20000}) {
    GeneratorConfig config;
    config.seed = 1;
    config.idle_timeout = std::chrono::milliseconds(idle_ms);
    int probes = 0;
    for (std::uint64_t i = 0; i < 400; ++i) {
      const Program p = generate_program(config, i);
      for (std::size_t k = 2; k + 2 < p.steps.size(); ++k) {
        const Step& pause = p.steps[k];
        if (pause.action != StepAction::kPause || pause.ms < idle_ms * 56 / 100) continue;
        EXPECT_LE(pause.ms, idle_ms * 63 / 100);
        EXPECT_EQ(p.steps[k - 1].action, StepAction::kRead);
        EXPECT_EQ(p.steps[k - 1].conn, pause.conn);
        // A program may be cut right after the pause (any prefix is a
        // program) and other steps appended; a whole probe goes on with a
        // send and a read on the same connection.
        const Step& send = p.steps[k + 1];
        const Step& read = p.steps[k + 2];
        if (send.action == StepAction::kSend && send.conn == pause.conn &&
            read.action == StepAction::kRead && read.conn == pause.conn) {
          ++probes;
        }
      }
    }
    EXPECT_GE(probes, 3) << "idle timeout " << idle_ms << " ms";
  }
}

// The quiet spells 9.4 judges end 3 s (times the scale) before the idle
// timeout, and never before half of it.
TEST(ExploreIdle, JudgedQuietLimitLeavesASlackForALateSend) {
  RunOptions o;
  EXPECT_EQ(o.judged_quiet_limit(), std::chrono::milliseconds(7000));
  o.timeout_scale = 2;
  EXPECT_EQ(o.judged_quiet_limit(), std::chrono::milliseconds(5000));
  o.timeout_scale = 1;
  o.idle_timeout = std::chrono::milliseconds(2000);
  EXPECT_EQ(o.judged_quiet_limit(), std::chrono::milliseconds(1000));
}

// A degradation over the run (SPEC 7.5) needs the failure again on the
// same server and fast answers from every fresh one.
TEST(ExploreDegradation, NeedsSameServerFailuresAndFastFreshServers) {
  const std::chrono::milliseconds bound(5000);
  const Liveness fast{true, "", LivenessOutcome::kAnswered, 40};
  const Liveness slow{true, "", LivenessOutcome::kAnswered, 1300};
  const Liveness dead{false, "no answer", LivenessOutcome::kUnanswered, 5000};
  EXPECT_TRUE(degrades_over_run(2, 2, {fast, fast, fast}, bound));
  EXPECT_FALSE(degrades_over_run(1, 2, {fast, fast, fast}, bound));
  EXPECT_FALSE(degrades_over_run(3, 2, {}, bound));
  EXPECT_FALSE(degrades_over_run(3, 2, {fast, slow, fast}, bound));
  EXPECT_FALSE(degrades_over_run(3, 2, {fast, dead}, bound));
}

}  // namespace
}  // namespace kv
