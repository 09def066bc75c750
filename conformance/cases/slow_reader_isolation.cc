// SPEC 11.4 (concurrent profile), a slow reader delays no one: while one
// client leaves megabytes of responses unread, so that the server cannot
// write them, other clients are answered as usual. A server that blocks
// its loop (or holds a lock) while it writes to one connection stalls the
// others until the slow reader reads, which here it does only after them.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "codec/frame_encoder.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"
#include "conformance/cases/expectations.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// The slow reader's responses: values of at most 3 MiB, and enough GETs of
// them that 16 MiB or more wait to be written, more than the socket
// buffers between server and client hold while the client does not read.
constexpr std::size_t kValueBytes = 3U << 20U;
constexpr std::size_t kPendingBytes = 16U << 20U;
constexpr std::size_t kSmallestValue = 256U << 10U;
constexpr std::uint32_t kMinFrame = kSmallestValue + 512;
// The other clients, each a PUT and a GET on a connection of its own.
constexpr int kOthers = 3;
// How long the slow reader leaves the server writing before the others
// start, so that its output has surely backed up.
constexpr std::chrono::milliseconds kBackUp{100};

asio::awaitable<Check> other_client(CaseContext& ctx, int index) {
  std::unique_ptr<WireSession> c;
  KV_CHECK(co_await ctx.open(c));
  const std::string k = ctx.key(fmt::format("other-{}", index));
  const std::string value = fmt::format("from other client {}", index);
  KV_CHECK(co_await round_trip(
      ctx, *c, make_put(k, value), make_put_ack(),
      fmt::format("ack of the PUT of other client {} while the slow reader reads nothing", index)));
  KV_CHECK(co_await round_trip(
      ctx, *c, make_get(k), make_get_hit(k, value),
      fmt::format("GET of other client {} while the slow reader reads nothing", index)));
  c->close();
  co_return std::nullopt;
}

asio::awaitable<Verdict> slow_reader_delays_no_one(CaseContext& ctx) {
  const RunOptions& options = ctx.options();
  const std::string big = ctx.key("big");
  const std::size_t size =
      std::min(kValueBytes, value_size_for_put_len(big, options.max_frame_bytes));
  if (size < kSmallestValue) {
    co_return skipped(fmt::format("values of {} bytes do not fit in LEN {}", kSmallestValue,
                                  options.max_frame_bytes));
  }
  const std::string value = patterned_value(size, 'a');
  const std::size_t count = std::max<std::size_t>(4, (kPendingBytes + size - 1) / size);
  std::unique_ptr<WireSession> slow;
  KV_CHECK(co_await ctx.open(slow));
  KV_CHECK(
      co_await slow->send(encode_frame_to_string(make_put(big, value)), options.bulk_timeout()));
  KV_CHECK(co_await expect_response(*slow, make_put_ack(), "ack of the PUT of the large value",
                                    options.bulk_timeout()));
  std::string gets;
  for (std::size_t i = 0; i < count; ++i) gets += encode_frame_to_string(make_get(big));
  KV_CHECK(co_await slow->send(gets, options.response_timeout()));
  const auto gets_sent = std::chrono::steady_clock::now();
  KV_CHECK(co_await expect_response(*slow, make_get_hit(big, value),
                                    fmt::format("response 1 of {} to the slow reader", count),
                                    options.bulk_timeout()));
  ctx.log().info(0, fmt::format("connection 1 leaves {} responses of {} bytes unread; {} other "
                                "clients PUT and GET meanwhile",
                                count - 1, size, kOthers));
  co_await pause(kBackUp);
  for (int i = 1; i <= kOthers; ++i) KV_CHECK(co_await other_client(ctx, i));
  ctx.log().info(0, "the other clients were served; connection 1 reads the rest");
  // SPEC 9.1 times idleness by input and 9.3 protects only a client that
  // reads: a connection that sent nothing and read nothing for the idle
  // timeout may be closed. So a close of the slow reader is judged only
  // while its GETs are recent, with a margin of half the idle timeout for
  // a loaded machine (or a short --idle-timeout-ms); after that it is
  // ERROR, not FAIL.
  const Millis recent = options.idle_timeout / 2;
  const Message want = make_get_hit(big, value);
  for (std::size_t i = 1; i < count; ++i) {
    const ReadEvent event = co_await slow->read_frame(options.bulk_timeout());
    if (event.kind == ReadEventKind::kFrame && same_message(event.message, want)) continue;
    const Millis silent = since(gets_sent);
    const bool closed = event.kind == ReadEventKind::kEof || event.kind == ReadEventKind::kReset;
    if (closed && silent >= recent) {
      co_return error_verdict(fmt::format(
          "the slow reader's connection was closed ({}) {} ms after its GETs, more than half the "
          "idle timeout ({} ms), when a server may close a connection that neither sends nor "
          "reads (9.1); rerun on a quieter machine or with a longer --idle-timeout-ms",
          describe_event(event), silent.count(), options.idle_timeout.count()));
    }
    co_return fail_verdict(fmt::format("response {} of {} to the slow reader, read after the "
                                       "others: {}",
                                       i + 1, count, describe_message(want)),
                           describe_event(event));
  }
  if (since(gets_sent) < recent) {
    KV_CHECK(co_await expect_connection_open(ctx, *slow));
  } else {
    ctx.log().info(0, fmt::format("every response read; the GETs were sent {} ms ago, over half "
                                  "the idle timeout, so the server may close now",
                                  since(gets_sent).count()));
  }
  co_return passed();
}

}  // namespace

void register_slow_reader_isolation_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 11);
  cases.add({
      .id = "11.4/slow-reader-delays-no-one",
      .scope = ProfileScope::kConcurrentOnly,
      .quote = "a client that reads its (large) responses slowly does not delay any other "
               "client's requests",
      .sends = "connection 1 PUTs a 3 MiB value (smaller if --max-frame-bytes is) and GETs it "
               "6 times in one write (16 MiB or more of responses), reads the first response and "
               "then nothing; 3 other connections, one after another, each PUT and GET a key of "
               "their own; then connection 1 reads the rest",
      .expects = "the other connections are answered while connection 1 reads nothing (within "
                 "the response timeout); then connection 1 gets every response, intact and in "
                 "order, and its connection stays open",
      .legal = "once connection 1 has sent nothing for half the idle timeout, a close of it is "
               "not judged (SPEC 9.1; 9.3 protects only a client that reads): ERROR if it cuts "
               "the responses short, and no check that it stays open",
      .timing = Timing::kBulk,
      .needs = {"5.2/value-3mib", "8.1/large-responses-backpressure"},
      .min_max_frame_bytes = kMinFrame,
      .run = slow_reader_delays_no_one,
  });
}

}  // namespace kv
