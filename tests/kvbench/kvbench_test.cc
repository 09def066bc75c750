// Tests of kvbench: its histogram, its RESP reply parser, its workload and
// request frames, and whole runs of the kvbench binary against a real
// event-loop kvserver and against a deliberately wrong in-test server.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/message.h"
#include "common/child_process.h"
#include "tools/kvbench/default_threads.h"
#include "tools/kvbench/latency_histogram.h"
#include "tools/kvbench/request_templates.h"
#include "tools/kvbench/resp_reply_parser.h"
#include "tools/kvbench/workload.h"

namespace kv {
namespace {

using std::chrono::milliseconds;

// ---- LatencyHistogram ------------------------------------------------------

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < LatencyHistogram::kExactLimit; ++v) {
    EXPECT_EQ(LatencyHistogram::bucket_upper_bound(LatencyHistogram::bucket_index(v)), v);
  }
}

TEST(LatencyHistogramTest, BucketsBoundTheirValuesWithinOneSubBucket) {
  // Powers of two, their neighbours, and a geometric sweep up to 2^64 - 1.
  std::vector<std::uint64_t> values = {UINT64_MAX, UINT64_MAX - 1};
  for (unsigned bit = 0; bit < 64; ++bit) {
    const std::uint64_t power = std::uint64_t{1} << bit;
    values.insert(values.end(), {power - 1, power, power + 1});
  }
  for (double v = 1; v < 1.8e19; v *= 1.013) values.push_back(static_cast<std::uint64_t>(v));
  for (std::uint64_t v : values) {
    const std::size_t index = LatencyHistogram::bucket_index(v);
    ASSERT_LT(index, LatencyHistogram::kBucketCount) << v;
    const std::uint64_t upper = LatencyHistogram::bucket_upper_bound(index);
    ASSERT_GE(upper, v);
    ASSERT_LE(static_cast<double>(upper - v),
              static_cast<double>(v) / static_cast<double>(LatencyHistogram::kSubBuckets))
        << v;
    if (index > 0) {
      ASSERT_LT(LatencyHistogram::bucket_upper_bound(index - 1), v) << v;
    }
  }
}

TEST(LatencyHistogramTest, QuantilesOfAUniformSpread) {
  LatencyHistogram histogram;
  for (std::uint64_t v = 1; v <= 100000; ++v) histogram.record(v);
  EXPECT_EQ(histogram.count(), 100000U);
  EXPECT_EQ(histogram.min(), 1U);
  EXPECT_EQ(histogram.max(), 100000U);
  const auto near = [](std::uint64_t got, double want) {
    return static_cast<double>(got) >= want && static_cast<double>(got) <= want * 1.016;
  };
  EXPECT_TRUE(near(histogram.value_at_quantile(0.5), 50000)) << histogram.value_at_quantile(0.5);
  EXPECT_TRUE(near(histogram.value_at_quantile(0.99), 99000)) << histogram.value_at_quantile(0.99);
  EXPECT_TRUE(near(histogram.value_at_quantile(0.999), 99900));
  EXPECT_EQ(histogram.value_at_quantile(1.0), 100000U);
  EXPECT_EQ(histogram.value_at_quantile(0.0), 1U);
}

TEST(LatencyHistogramTest, QuantileNeverExceedsTheMaximum) {
  LatencyHistogram histogram;
  histogram.record(1000);
  EXPECT_EQ(histogram.value_at_quantile(0.5), 1000U);
  EXPECT_EQ(histogram.value_at_quantile(1.0), 1000U);
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.value_at_quantile(0.99), 0U);
  EXPECT_EQ(histogram.max(), 0U);
  EXPECT_EQ(histogram.min(), 0U);
}

TEST(LatencyHistogramTest, MergeAddsCountsAndKeepsExtremes) {
  LatencyHistogram low;
  LatencyHistogram high;
  for (int i = 0; i < 90; ++i) low.record(100);
  for (int i = 0; i < 10; ++i) high.record(1'000'000);
  low.merge(high);
  EXPECT_EQ(low.count(), 100U);
  EXPECT_EQ(low.min(), 100U);
  EXPECT_EQ(low.max(), 1'000'000U);
  EXPECT_EQ(low.value_at_quantile(0.90), 100U);
  EXPECT_EQ(low.value_at_quantile(0.91), 1'000'000U);
}

// ---- RESP reply parser -----------------------------------------------------

std::span<const std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

struct ParsedReply {
  RespParseResult result;
  RespReply reply;
};

ParsedReply parse(std::string_view text) {
  ParsedReply parsed;
  parsed.result = parse_resp_reply(bytes(text), parsed.reply);
  return parsed;
}

TEST(RespReplyParserTest, ParsesEachReplyType) {
  ParsedReply ok = parse("+OK\r\n");
  ASSERT_EQ(ok.result.status, RespParseStatus::kReply);
  EXPECT_EQ(ok.result.consumed, 5U);
  EXPECT_EQ(ok.reply.type, RespReplyType::kSimpleString);
  EXPECT_EQ(ok.reply.payload, "OK");

  ParsedReply error = parse("-ERR wrong type\r\n");
  ASSERT_EQ(error.result.status, RespParseStatus::kReply);
  EXPECT_EQ(error.reply.type, RespReplyType::kError);
  EXPECT_EQ(error.reply.payload, "ERR wrong type");

  ParsedReply bulk = parse("$5\r\nab\r\nc\r\n");
  ASSERT_EQ(bulk.result.status, RespParseStatus::kReply);
  EXPECT_EQ(bulk.result.consumed, 11U);
  EXPECT_EQ(bulk.reply.type, RespReplyType::kBulkString);
  EXPECT_EQ(bulk.reply.payload, "ab\r\nc");

  ParsedReply empty = parse("$0\r\n\r\n");
  ASSERT_EQ(empty.result.status, RespParseStatus::kReply);
  EXPECT_EQ(empty.reply.type, RespReplyType::kBulkString);
  EXPECT_EQ(empty.reply.payload, "");

  ParsedReply null = parse("$-1\r\n");
  ASSERT_EQ(null.result.status, RespParseStatus::kReply);
  EXPECT_EQ(null.result.consumed, 5U);
  EXPECT_EQ(null.reply.type, RespReplyType::kNull);
}

TEST(RespReplyParserTest, EveryProperPrefixNeedsMore) {
  for (std::string_view whole :
       {"+OK\r\n", "-ERR x\r\n", "$3\r\nabc\r\n", "$-1\r\n", "$0\r\n\r\n"}) {
    for (std::size_t n = 0; n < whole.size(); ++n) {
      EXPECT_EQ(parse(whole.substr(0, n)).result.status, RespParseStatus::kNeedMore)
          << whole << " cut at " << n;
    }
  }
}

TEST(RespReplyParserTest, ParsesPipelinedRepliesOneAtATime) {
  const std::string stream = "+OK\r\n$1\r\nv\r\n$-1\r\n";
  std::string_view rest = stream;
  std::vector<RespReplyType> types;
  while (!rest.empty()) {
    const ParsedReply parsed = parse(rest);
    ASSERT_EQ(parsed.result.status, RespParseStatus::kReply);
    types.push_back(parsed.reply.type);
    rest.remove_prefix(parsed.result.consumed);
  }
  EXPECT_EQ(types, (std::vector<RespReplyType>{RespReplyType::kSimpleString,
                                               RespReplyType::kBulkString, RespReplyType::kNull}));
}

TEST(RespReplyParserTest, RejectsWhatSetAndGetNeverReturn) {
  for (std::string_view bad : {":1\r\n", "*1\r\n$1\r\na\r\n", "hello\r\n", "$abc\r\n", "$-2\r\n",
                               "$3\r\nabcXY", "$99999999999\r\n", "$1234567890123"}) {
    EXPECT_EQ(parse(bad).result.status, RespParseStatus::kProtocolError) << bad;
  }
}

// ---- Workload and request frames -------------------------------------------

TEST(WorkloadTest, KeysAreFixedSizeAndDistinct) {
  EXPECT_EQ(make_key(0, 16), "kkkkkkkkkkkkkkk0");
  EXPECT_EQ(make_key(9999, 16), "kkkkkkkkkkkk9999");
  EXPECT_EQ(make_key(42, 2), "42");
  EXPECT_FALSE(check_workload_shape({.key_size = 3, .value_size = 1, .keyspace = 1001}, 1).empty());
  EXPECT_FALSE(check_workload_shape({.key_size = 16, .value_size = 1, .keyspace = 10}, 11).empty());
  EXPECT_TRUE(
      check_workload_shape({.key_size = 4, .value_size = 1, .keyspace = 10000}, 10).empty());
  EXPECT_FALSE(
      check_workload_shape({.key_size = 4, .value_size = 1, .keyspace = 10, .first_key = 9991}, 1)
          .empty());
  const RequestTemplates shifted(WireProtocol::kResp,
                                 {.key_size = 6, .value_size = 1, .keyspace = 3, .first_key = 500});
  EXPECT_EQ(shifted.key(0), "kkk500");
  EXPECT_EQ(shifted.key(2), "kkk502");
}

TEST(WorkloadTest, ConnectionsPartitionTheKeyspace) {
  const std::uint64_t keyspace = 103;
  const std::uint64_t connections = 10;
  std::vector<int> owners(keyspace, 0);
  for (std::uint64_t c = 0; c < connections; ++c) {
    for (std::uint64_t slot = 0; slot < fair_share(keyspace, c, connections); ++slot) {
      const std::uint64_t index = owned_key_index(slot, c, connections);
      ASSERT_LT(index, keyspace);
      ++owners[index];
    }
  }
  for (int count : owners) EXPECT_EQ(count, 1);
}

TEST(WorkloadTest, StampsRoundTripAndDiffer) {
  for (std::size_t size : {std::size_t{1}, std::size_t{5}, std::size_t{13}, std::size_t{100}}) {
    std::string value = make_filler_value(size);
    write_stamp(12345, std::span(reinterpret_cast<std::uint8_t*>(value.data()), value.size()));
    EXPECT_TRUE(value_has_stamp(value, 12345, size)) << size;
    EXPECT_FALSE(value_has_stamp(value, 12346, size)) << size;
    EXPECT_FALSE(value_has_stamp(value + "x", 12345, size)) << size;
  }
  std::string value = make_filler_value(100);
  value[99] = 'y';
  EXPECT_FALSE(value_has_stamp(value, 0, 100));
}

TEST(RequestTemplatesTest, KvPutDecodesToTheStampedValue) {
  const RequestTemplates templates(WireProtocol::kKv,
                                   {.key_size = 16, .value_size = 100, .keyspace = 50});
  FrameDecoder decoder;
  templates.append_put(7, 99, decoder.input());
  templates.append_get(8, decoder.input());
  Message message;
  ASSERT_EQ(decoder.next(message).status, DecodeStatus::kFrame);
  EXPECT_EQ(message.kind(), kKindPutOrUpdate);
  EXPECT_EQ(message.key(), make_key(7, 16));
  EXPECT_TRUE(value_has_stamp(message.value(), 99, 100));
  ASSERT_EQ(decoder.next(message).status, DecodeStatus::kFrame);
  EXPECT_EQ(message.kind(), kKindGet);
  EXPECT_EQ(message.key(), make_key(8, 16));
  EXPECT_EQ(decoder.next(message).status, DecodeStatus::kNeedMore);
}

TEST(RequestTemplatesTest, RespCommandsAreBulkArrays) {
  EXPECT_EQ(encode_put_request(WireProtocol::kResp, "k1", "abc"),
            "*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$3\r\nabc\r\n");
  EXPECT_EQ(encode_get_request(WireProtocol::kResp, "k1"), "*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n");
  const RequestTemplates templates(WireProtocol::kResp,
                                   {.key_size = 4, .value_size = 14, .keyspace = 10});
  Buffer out;
  templates.append_put(3, 1, out);
  const auto written = out.readable();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(written.data()), written.size()),
            "*3\r\n$3\r\nSET\r\n$4\r\nkkk3\r\n$14\r\n0000000000001x\r\n");
}

// ---- Whole runs of the kvbench binary ---------------------------------------

// The exit code of the kvbench run and its JSON report.
struct BenchRun {
  int exit_code = -1;
  nlohmann::json report;
};

BenchRun run_kvbench(std::uint16_t port, const std::vector<std::string>& extra) {
  const std::string json_path = ::testing::TempDir() + "kvbench_test_" +
                                std::to_string(::getpid()) + "_" + std::to_string(port) + ".json";
  std::vector<std::string> argv = {KVBENCH_PATH, "--target", "127.0.0.1:" + std::to_string(port),
                                   "--json",     json_path,  "--timeout-ms",
                                   "3000"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::error_code error;
  ChildProcess bench = ChildProcess::spawn(argv, error);
  BenchRun run;
  if (error) {
    ADD_FAILURE() << "cannot start kvbench: " << error.message();
    return run;
  }
  // Drain stdout so the child never blocks on it; bounded by 30 s.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (bench.running() && std::chrono::steady_clock::now() < give_up) {
    bench.read_line(milliseconds(50));
  }
  const int status = bench.running() ? bench.stop() : bench.wait_status().value_or(-1);
  if (!WIFEXITED(status)) {
    ADD_FAILURE() << "kvbench did not exit normally";
    return run;
  }
  run.exit_code = WEXITSTATUS(status);
  std::ifstream in(json_path);
  if (in) run.report = nlohmann::json::parse(in, nullptr, false);
  std::remove(json_path.c_str());
  return run;
}

// ---- default threads -------------------------------------------------------

TEST(DefaultThreadsTest, LeavesTheServerOneCpuWhenItRunsHere) {
  EXPECT_EQ(default_threads(1, true), 1U);
  EXPECT_EQ(default_threads(2, true), 1U);
  EXPECT_EQ(default_threads(3, true), 2U);
  EXPECT_EQ(default_threads(64, true), 2U);
}

TEST(DefaultThreadsTest, TakesEveryCpuUpToTwoForARemoteServer) {
  EXPECT_EQ(default_threads(0, false), 1U);
  EXPECT_EQ(default_threads(1, false), 1U);
  EXPECT_EQ(default_threads(2, false), 2U);
  EXPECT_EQ(default_threads(64, false), 2U);
}

TEST(DefaultThreadsTest, LoopbackHostsAreThisHost) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  // Numeric addresses resolve without a name service.
  EXPECT_FALSE(is_loopback_host("192.0.2.1"));
  EXPECT_FALSE(is_loopback_host("::ffff:192.0.2.1"));
  EXPECT_FALSE(is_loopback_host("2001:db8::1"));
}

#ifdef KV_SERVER_PATH
TEST(KvbenchRunTest, EventLoopServerAnswersEveryRequestCorrectly) {
  std::error_code error;
  ChildProcess server =
      ChildProcess::spawn({KV_SERVER_PATH, "--model", "event-loop", "--port", "0"}, error);
  ASSERT_FALSE(error) << error.message();
  const std::optional<std::uint16_t> port = server.wait_listening(milliseconds(5000));
  ASSERT_TRUE(port.has_value());
  const BenchRun run = run_kvbench(
      *port, {"--duration", "1", "--connections", "8", "--pipeline", "4", "--keyspace", "200"});
  server.stop();
  ASSERT_TRUE(run.report.is_object());
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.report["errors"].get<std::uint64_t>(), 0U);
  EXPECT_EQ(run.report["timeouts"].get<std::uint64_t>(), 0U);
  EXPECT_GT(run.report["requests"].get<std::uint64_t>(), 0U);
  // A 200-key space written half the time for a second is hit as well as missed.
  EXPECT_GT(run.report["get_hits"].get<std::uint64_t>(), 0U);
  EXPECT_GT(run.report["get_misses"].get<std::uint64_t>(), 0U);
}

// Under `taskset -c N` kvbench must not start more threads than it has
// CPUs: two threads on one core starve each other and show as latency.
// Unpinned, with the server on this host, it leaves the server a CPU.
TEST(KvbenchRunTest, DefaultThreadsFollowTheCpusItMayRunOn) {
  cpu_set_t original;
  ASSERT_EQ(::sched_getaffinity(0, sizeof original, &original), 0);
  if (CPU_COUNT(&original) < 2) GTEST_SKIP() << "needs a process that may run on two CPUs";
  std::error_code error;
  ChildProcess server =
      ChildProcess::spawn({KV_SERVER_PATH, "--model", "event-loop", "--port", "0"}, error);
  ASSERT_FALSE(error) << error.message();
  const std::optional<std::uint16_t> port = server.wait_listening(milliseconds(5000));
  ASSERT_TRUE(port.has_value());
  // Disjoint keys: a GET of a key the other run wrote would count as wrong.
  const std::vector<std::string> shape = {"--requests", "200",        "--connections",
                                          "4",          "--keyspace", "100"};
  std::vector<std::string> second_shape = shape;
  second_shape.insert(second_shape.end(), {"--first-key", "100"});

  // kvbench inherits the affinity of the thread that spawns it.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &original)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  const BenchRun pinned = run_kvbench(*port, shape);
  ASSERT_EQ(::sched_setaffinity(0, sizeof original, &original), 0);
  const BenchRun unpinned = run_kvbench(*port, second_shape);
  server.stop();

  ASSERT_TRUE(pinned.report.is_object());
  ASSERT_TRUE(unpinned.report.is_object());
  EXPECT_EQ(pinned.report["threads"].get<unsigned>(), 1U);
  EXPECT_EQ(unpinned.report["threads"].get<unsigned>(),
            default_threads(static_cast<unsigned>(CPU_COUNT(&original)), true));
  EXPECT_EQ(pinned.exit_code, 0);
  EXPECT_EQ(unpinned.exit_code, 0);
}
#endif

// A one-connection kv server on a thread that acknowledges every PUT and
// answers every GET with a hit whose value is wrong.
class WrongValueServer {
 public:
  WrongValueServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~WrongValueServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  std::uint16_t port() const { return port_; }

 private:
  // Waits (bounded) until `fd` is readable; false on timeout or stop.
  bool wait_readable(int fd) {
    for (int tick = 0; tick < 200 && !stop_; ++tick) {
      pollfd waiting{fd, POLLIN, 0};
      if (::poll(&waiting, 1, 50) > 0) return true;
    }
    return false;
  }

  void serve() {
    if (!wait_readable(listener_)) return;
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    FrameDecoder decoder;
    Message request;
    Buffer out;
    while (wait_readable(fd)) {
      Buffer& input = decoder.input();
      input.ensure_writable(4096);
      const ssize_t n = ::recv(fd, input.write_ptr(), input.writable_bytes(), 0);
      if (n <= 0) break;
      input.commit(static_cast<std::size_t>(n));
      while (decoder.next(request).status == DecodeStatus::kFrame)
        encode_frame(answer(request), out);
      while (!out.empty()) {
        const ssize_t sent = ::send(fd, out.peek(), out.readable_bytes(), MSG_NOSIGNAL);
        if (sent <= 0) break;
        out.consume(static_cast<std::size_t>(sent));
      }
    }
    ::close(fd);
  }

  static Message answer(const Message& request) {
    Message response;
    if (request.kind() == kKindGet) {
      response.set_kind(kKindGetResponse);
      response.set_key(request.key());
      response.set_value("not what was written");
    } else {
      response.set_kind(kKindPutOrUpdate);
    }
    return response;
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(KvbenchRunTest, CountsWrongGetValuesAsErrors) {
  WrongValueServer server;
  ASSERT_NE(server.port(), 0);
  const BenchRun run = run_kvbench(server.port(), {"--requests", "400", "--connections", "1",
                                                   "--pipeline", "8", "--keyspace", "20"});
  ASSERT_TRUE(run.report.is_object());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.report["requests"].get<std::uint64_t>(), 400U);
  // Every GET got a hit with a wrong value: each one is an error, no PUT is.
  const auto gets = run.report["get_hits"].get<std::uint64_t>();
  EXPECT_GT(gets, 0U);
  EXPECT_EQ(run.report["errors"].get<std::uint64_t>(), gets);
}

TEST(KvbenchRunTest, UnreachableTargetExitsWithTwo) {
  // A port that was free a moment ago: bind, read the port, close.
  const int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(probe, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &size), 0);
  ::close(probe);
  const BenchRun run = run_kvbench(ntohs(address.sin_port), {"--requests", "10"});
  EXPECT_EQ(run.exit_code, 2);
}

}  // namespace
}  // namespace kv
