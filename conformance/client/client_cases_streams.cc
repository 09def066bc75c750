// Client cases for requests and for accepting responses (SPEC 13.1-13.4):
// the client frames its requests right, reassembles responses however they
// are split, pairs pipelined responses in order, and accepts every legal
// encoding.
#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/client/client_case.h"
#include "conformance/client/client_case_steps.h"
#include "conformance/client/response_forms.h"
#include "conformance/wire/edge_strings.h"
#include "conformance/wire/messages.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// ---- 13.1 Requests --------------------------------------------------------

asio::awaitable<Verdict> put_then_get(ClientCaseContext& ctx) {
  int conn = 0;
  KV_CHECK(co_await exchange(ctx, put_command("k", "v"), make_put("k", "v"),
                             answer_with(frame_of(make_put_ack())), stored_result(),
                             ctx.options().step_timeout(), conn));
  KV_CHECK(co_await exchange(ctx, get_command("k"), make_get("k"), answer_with(hit_frame("k", "v")),
                             found_result("v"), ctx.options().step_timeout(), conn));
  co_return passed();
}

// ---- 13.2 Reassembly ------------------------------------------------------

asio::awaitable<Verdict> split_every_offset(ClientCaseContext& ctx) {
  const std::string key = "split";
  const std::string value = "every-offset";
  const std::string frame = hit_frame(key, value);
  for (std::size_t offset = 1; offset < frame.size(); ++offset) {
    StreamShape shape = StreamShape::split_at(offset);
    shape.gap = milliseconds(5);
    int conn = 0;
    KV_CHECK(co_await exchange(ctx, get_command(key), make_get(key), answer_with(frame, shape),
                               found_result(value), ctx.options().step_timeout(), conn));
  }
  co_return passed();
}

asio::awaitable<Verdict> slow_response(ClientCaseContext& ctx) {
  // Two pauses of a fifth of the client's timeout each: the response takes
  // a long time but completes well within the timeout, with time to spare
  // for a loaded machine (expect_result() judges a timeout only if
  // kvconform sent the rest within half the client's timeout).
  const milliseconds pause = ctx.options().client_timeout / 5;
  const std::string frame = hit_frame("slow", "value");
  const std::size_t half = frame.size() / 2;
  int conn = 0;
  KV_CHECK(co_await ctx.command(get_command("slow")));
  KV_CHECK(co_await ctx.expect_request(make_get("slow"), conn));
  asio::steady_timer timer(co_await asio::this_coro::executor);
  ctx.log().info(conn, fmt::format("waiting {} ms before the first half", pause.count()));
  timer.expires_after(pause);
  co_await timer.async_wait(asio::use_awaitable);
  KV_CHECK(co_await ctx.reply(conn, std::string_view(frame).substr(0, half)));
  ctx.log().info(conn, fmt::format("waiting {} ms before the second half", pause.count()));
  timer.expires_after(pause);
  co_await timer.async_wait(asio::use_awaitable);
  KV_CHECK(co_await ctx.reply(conn, std::string_view(frame).substr(half)));
  KV_CHECK(co_await ctx.expect_result(found_result("value"), ctx.options().step_timeout()));
  co_return passed();
}

// ---- 13.2 / 13.3 Pipelines ------------------------------------------------

// A batch of GETs of keys "p0".."pN-1": even keys hit (value "value-i"),
// odd keys miss.
struct PipelineScript {
  std::vector<AdapterRequest> requests;
  std::vector<std::string> responses;  // Frames, in request order.
  std::vector<AdapterResult> results;
};

PipelineScript pipeline_script(std::size_t size) {
  PipelineScript script;
  for (std::size_t i = 0; i < size; ++i) {
    const std::string key = fmt::format("p{}", i);
    script.requests.push_back({AdapterRequest::Op::kGet, key, {}});
    if (i % 2 == 0) {
      const std::string value = fmt::format("value-{}", i);
      script.responses.push_back(hit_frame(key, value));
      script.results.push_back(found_result(value));
    } else {
      script.responses.push_back(frame_of(make_get_miss(key)));
      script.results.push_back(not_found_result());
    }
  }
  return script;
}

// How the server answers a batch.
enum class PipelineAnswer {
  kEachAtOnce,     // Each response right after its request is read.
  kAllInOneWrite,  // All responses in one write, after the last request.
  kRandomChunks,   // All responses as one stream cut into small random writes.
};

asio::awaitable<Verdict> pipeline_run(ClientCaseContext& ctx, std::size_t size,
                                      PipelineAnswer answer) {
  const PipelineScript script = pipeline_script(size);
  KV_CHECK(co_await ctx.command(batch_command(script.requests)));
  std::string all;
  int conn = 0;
  for (std::size_t i = 0; i < size; ++i) {
    int request_conn = 0;
    KV_CHECK(co_await ctx.expect_request(request_of(script.requests[i]), request_conn));
    if (i > 0 && request_conn != conn) {
      co_return fail_verdict(
          "every request of a batch on one connection",
          fmt::format("request {} came on connection {}, the first on {}", i, request_conn, conn));
    }
    conn = request_conn;
    if (answer == PipelineAnswer::kEachAtOnce) {
      KV_CHECK(co_await ctx.reply(conn, script.responses[i]));
    } else {
      all += script.responses[i];
    }
  }
  if (answer == PipelineAnswer::kAllInOneWrite) KV_CHECK(co_await ctx.reply(conn, all));
  if (answer == PipelineAnswer::kRandomChunks) {
    StreamShape shape = StreamShape::random_chunks(ctx.rng()(), 7);
    shape.gap = milliseconds(1);
    KV_CHECK(co_await ctx.reply(conn, all, shape));
  }
  KV_CHECK(co_await ctx.expect_result(batch_result(script.results), ctx.options().step_timeout()));
  co_return passed();
}

// ---- 13.4 Legal encodings -------------------------------------------------

std::string unknown_fields_body() {
  // Unknown fields of every wire type, before, between and after the known
  // ones, and field 3 with the wrong wire type (length-delimited).
  std::string fixed64 = pb_varint((10U << 3U) | 1U) + std::string(8, '\x11');
  std::string fixed32 = pb_varint((12U << 3U) | 5U) + std::string(4, '\x22');
  return pb_varint_field(9, 300) + pb_bytes_field(1, "k") + fixed64 + pb_bytes_field(2, "v") +
         pb_bytes_field(11, "unknown") + pb_bytes_field(3, std::string(1, '\x01')) +
         pb_varint_field(3, kKindGetResponse) + fixed32 + pb_varint_field(1000, 1);
}

std::string explicit_defaults_hit_body() {
  return pb_bytes_field(1, "k") + pb_bytes_field(2, "v") + pb_varint_field(3, kKindGetResponse) +
         pb_varint_field(4, Ok);
}

std::string explicit_defaults_miss_body() {
  return pb_bytes_field(1, "m") + pb_bytes_field(2, "") + pb_varint_field(3, kKindGetResponse) +
         pb_varint_field(4, NotOk);
}

std::string non_minimal_varints_body() {
  // Tag 0a, length 1 written in two bytes (81 00); kind 2 in five bytes.
  return std::string("\x0a\x81\x00k", 4) + std::string("\x12\x81\x00v", 4) +
         std::string("\x18\x82\x80\x80\x80\x00", 6);
}

std::string repeated_fields_body() {
  // Every field twice; the last occurrence is the message (SPEC 4.2).
  return pb_bytes_field(1, "wrong") + pb_bytes_field(2, "old") + pb_varint_field(3, 3) +
         pb_varint_field(4, NotOk) + pb_bytes_field(1, "k") + pb_bytes_field(2, "new") +
         pb_varint_field(3, kKindGetResponse) + pb_varint_field(4, Ok);
}

asio::awaitable<Verdict> explicit_defaults(ClientCaseContext& ctx) {
  int conn = 0;
  KV_CHECK(co_await exchange(ctx, get_command("k"), make_get("k"),
                             answer_with(encode_raw_frame_to_string(explicit_defaults_hit_body())),
                             found_result("v"), ctx.options().step_timeout(), conn));
  KV_CHECK(co_await exchange(ctx, get_command("m"), make_get("m"),
                             answer_with(encode_raw_frame_to_string(explicit_defaults_miss_body())),
                             not_found_result(), ctx.options().step_timeout(), conn));
  co_return passed();
}

// A GET of "k" answered with a frame around `body`; `value` is expected.
ClientCaseFn get_answered_with_body(std::string (*body)(), std::string value) {
  return [body, value](ClientCaseContext& ctx) {
    return exchange_case(ctx, get_command("k"), make_get("k"),
                         answer_with(encode_raw_frame_to_string(body())), found_result(value));
  };
}

// Every legal form of response_forms.h, for an acknowledgement or a hit.
asio::awaitable<Verdict> every_legal_form(ClientCaseContext& ctx, bool acks) {
  int conn = 0;
  for (const ResponseForm form : all_response_forms()) {
    ctx.log().info(0, fmt::format("the {} written {}", acks ? "acknowledgement" : "hit",
                                  response_form_name(form)));
    if (acks) {
      KV_CHECK(co_await exchange(ctx, put_command("k", "v"), make_put("k", "v"),
                                 answer_with(response_frame(make_put_ack(), form)), stored_result(),
                                 ctx.options().step_timeout(), conn));
    } else {
      KV_CHECK(co_await exchange(ctx, get_command("k"), make_get("k"),
                                 answer_with(response_frame(make_get_hit("k", "v"), form)),
                                 found_result("v"), ctx.options().step_timeout(), conn));
      KV_CHECK(co_await exchange(ctx, get_command("m"), make_get("m"),
                                 answer_with(response_frame(make_get_miss("m"), form)),
                                 not_found_result(), ctx.options().step_timeout(), conn));
    }
  }
  co_return passed();
}

// A batch of PUTs and GETs whose keys and values are drawn from every
// edge family, answered with hits, misses and acknowledgements in
// rotating legal forms, as one stream cut into seeded random writes.
// About 40 requests and 5 KiB of responses.
struct MixedBatch {
  std::vector<AdapterRequest> requests;
  std::string responses;
  std::vector<AdapterResult> results;
};

MixedBatch mixed_batch() {
  MixedBatch batch;
  std::vector<std::string> strings;
  for (const EdgeFamily family : all_edge_families()) {
    for (std::string& s : edge_strings(family, 1024)) strings.push_back(std::move(s));
  }
  // Every form but the 100 KiB unknown field: in writes of at most 97 bytes
  // 1 ms apart, the whole stream must take a small part of the timeout.
  std::vector<ResponseForm> forms = all_response_forms();
  std::erase(forms, ResponseForm::kLargeUnknownField);
  for (std::size_t i = 0; i < strings.size(); i += 3) {
    const std::string key = fmt::format("m{}", i) + strings[i];
    const std::string& value = strings[(i + 1) % strings.size()];
    const ResponseForm form = forms[(i / 3) % forms.size()];
    switch ((i / 3) % 3) {
      case 0:
        batch.requests.push_back({AdapterRequest::Op::kPut, key, value});
        batch.responses += response_frame(make_put_ack(), form);
        batch.results.push_back(stored_result());
        break;
      case 1:
        batch.requests.push_back({AdapterRequest::Op::kGet, key, {}});
        batch.responses += response_frame(make_get_hit(key, value), form);
        batch.results.push_back(found_result(value));
        break;
      default:
        batch.requests.push_back({AdapterRequest::Op::kGet, key, {}});
        batch.responses += response_frame(make_get_miss(key), form);
        batch.results.push_back(not_found_result());
        break;
    }
  }
  return batch;
}

asio::awaitable<Verdict> pipeline_of_mixed_data(ClientCaseContext& ctx) {
  const MixedBatch batch = mixed_batch();
  KV_CHECK(co_await ctx.command(batch_command(batch.requests)));
  int conn = 0;
  for (std::size_t i = 0; i < batch.requests.size(); ++i) {
    int request_conn = 0;
    KV_CHECK(co_await ctx.expect_request(request_of(batch.requests[i]), request_conn));
    if (i > 0 && request_conn != conn) {
      co_return fail_verdict(
          "every request of a batch on one connection",
          fmt::format("request {} came on connection {}, the first on {}", i, request_conn, conn));
    }
    conn = request_conn;
  }
  StreamShape shape = StreamShape::random_chunks(ctx.rng()(), 97);
  shape.gap = milliseconds(1);
  KV_CHECK(co_await ctx.reply(conn, batch.responses, shape));
  KV_CHECK(co_await ctx.expect_result(batch_result(batch.results), ctx.options().step_timeout()));
  co_return passed();
}

}  // namespace

void add_client_stream_cases(std::vector<ClientCaseDef>& cases) {
  cases.push_back({
      .id = "13.1/put-then-get",
      .quote =
          "a client sends each request as one frame: PUT {key, value, kind 3}, GET {key, kind 1}",
      .server_does = "reads a PUT of k=v and answers the acknowledgement, then reads a GET of k "
                     "and answers the hit v, each in one write",
      .expects = "the requests PUT k=v and GET k; the results stored, then found \"v\"",
      .run = put_then_get,
  });
  cases.push_back({
      .id = "13.1/get-miss",
      .quote = "a GET answered {key, kind 2, status NotOk} is a miss (13.8)",
      .server_does = "reads a GET of k and answers the miss {key: k, kind: 2, status: NotOk}",
      .expects = "the result not-found",
      .run =
          [](ClientCaseContext& ctx) {
            return exchange_case(ctx, get_command("k"), make_get("k"),
                                 answer_with(frame_of(make_get_miss("k"))), not_found_result());
          },
  });
  cases.push_back({
      .id = "13.2/split-every-offset",
      .quote = "a client reassembles a response cut at any byte (2.5, 7.3)",
      .server_does = "answers one GET per cut offset of the hit frame, each hit in two writes cut "
                     "at that offset, 5 ms apart",
      .expects = "every result found \"every-offset\"",
      .run = split_every_offset,
  });
  cases.push_back({
      .id = "13.2/byte-drip",
      .quote = "a client reassembles a response sent one byte per write (2.5, 7.3)",
      .server_does = "answers a GET with the hit frame one byte per write, 10 ms apart",
      .expects = "the result found \"drip\"",
      .run =
          [](ClientCaseContext& ctx) {
            StreamShape shape = StreamShape::byte_by_byte();
            shape.gap = milliseconds(10);
            return exchange_case(ctx, get_command("k"), make_get("k"),
                                 answer_with(hit_frame("k", "drip"), shape), found_result("drip"));
          },
  });
  cases.push_back({
      .id = "13.2/slow-response",
      .quote = "a response that completes within the client's timeout is accepted however slowly "
               "it arrives (13.10)",
      .server_does = "answers a GET with half the hit frame after a fifth of the client timeout, "
                     "and the rest after another fifth",
      .expects = "the result found \"value\"",
      .run = slow_response,
  });
  cases.push_back({
      .id = "13.2/coalesced",
      .quote = "a client reassembles several responses that arrive in one read (2.5, 7.3)",
      .server_does = "reads a batch of 5 GETs, then answers all 5 in one write (hits and misses)",
      .expects = "the batch result, in request order",
      .run =
          [](ClientCaseContext& ctx) {
            return pipeline_run(ctx, 5, PipelineAnswer::kAllInOneWrite);
          },
  });
  cases.push_back({
      .id = "13.2/footer-in-value",
      .quote = "LEN alone delimits a response: footer bytes in a key or value are data (2.4)",
      .server_does = "answers GET \"k@EOF@\" with the hit whose value is \"@EOF@v@EOF@\"",
      .expects = "the result found \"@EOF@v@EOF@\"",
      .run =
          [](ClientCaseContext& ctx) {
            return exchange_case(ctx, get_command("k@EOF@"), make_get("k@EOF@"),
                                 answer_with(hit_frame("k@EOF@", "@EOF@v@EOF@")),
                                 found_result("@EOF@v@EOF@"));
          },
  });
  cases.push_back({
      .id = "13.3/pipelined-in-order",
      .quote = "a client that pipelines pairs the responses with the requests in order (5.7, 8.1)",
      .server_does = "reads a batch of 6 GETs and answers each as soon as it is read",
      .expects = "the batch result, each request with its own answer, in request order",
      .run =
          [](ClientCaseContext& ctx) { return pipeline_run(ctx, 6, PipelineAnswer::kEachAtOnce); },
  });
  cases.push_back({
      .id = "13.3/random-chunks-pipeline",
      .quote = "a client that pipelines pairs the responses with the requests in order (5.7, 8.1)",
      .server_does = "reads a batch of 8 GETs, then sends the 8 responses as one stream cut into "
                     "seeded random writes of 1 to 7 bytes",
      .expects = "the batch result, in request order",
      .run =
          [](ClientCaseContext& ctx) {
            return pipeline_run(ctx, 8, PipelineAnswer::kRandomChunks);
          },
  });
  cases.push_back({
      .id = "13.4/unknown-fields",
      .quote = "a client accepts unknown fields of any wire type (4.2)",
      .server_does = "answers GET k with a hit whose body also holds unknown fields of wire types "
                     "0, 1, 2 and 5 and field 3 with the wrong wire type",
      .expects = "the result found \"v\"",
      .run = get_answered_with_body(unknown_fields_body, "v"),
  });
  cases.push_back({
      .id = "13.4/explicit-defaults",
      .quote = "a client accepts fields written out with their default values (4.5)",
      .server_does =
          "answers GET k with a hit that writes status Ok (0) out, and GET m with a miss "
          "that writes the empty value out",
      .expects = "the results found \"v\", then not-found",
      .run = explicit_defaults,
  });
  cases.push_back({
      .id = "13.4/non-minimal-varints",
      .quote = "a client accepts non-minimal varints (4.2)",
      .server_does = "answers GET k with a hit whose lengths take two bytes and whose kind takes "
                     "six",
      .expects = "the result found \"v\"",
      .run = get_answered_with_body(non_minimal_varints_body, "v"),
  });
  cases.push_back({
      .id = "13.4/repeated-fields-last-wins",
      .quote = "when a field occurs more than once the last occurrence wins (4.2)",
      .server_does = "answers GET k with a body holding every field twice: first key \"wrong\", "
                     "value \"old\", kind 3, NotOk; then key \"k\", value \"new\", kind 2, Ok",
      .expects = "the result found \"new\"",
      .run = get_answered_with_body(repeated_fields_body, "new"),
  });
  cases.push_back({
      .id = "13.3/pipeline-of-mixed-data",
      .quote = "a client that pipelines pairs the responses with the requests in order (5.7, 8.1)",
      .server_does = "reads one batch of PUTs and GETs whose keys and values come from every "
                     "edge family (non-ASCII, U+0000, whitespace, controls, footer bytes, "
                     "long), then answers acknowledgements, hits and misses in rotating legal "
                     "forms as one stream in seeded random writes of up to 97 bytes",
      .expects = "the batch result, each request with its own answer, in request order",
      .run = pipeline_of_mixed_data,
  });
  cases.push_back({
      .id = "13.4/ack-in-every-legal-form",
      .quote = "a client accepts every legal body (4.2, 4.5), acknowledgements too",
      .server_does = "answers one PUT per legal form of the acknowledgement {kind: 3}: "
                     "canonical, explicit defaults (key, value, status 0 written out), unknown "
                     "fields, non-minimal and 10-byte varints, repeated fields, groups, a "
                     "100 KiB unknown field",
      .expects = "the result stored every time",
      .run = [](ClientCaseContext& ctx) { return every_legal_form(ctx, true); },
  });
  cases.push_back({
      .id = "13.4/hit-and-miss-in-every-legal-form",
      .quote = "a client accepts every legal body (4.2, 4.5): unknown fields of any wire type, "
               "groups included",
      .server_does = "answers a GET hit and a GET miss in each legal form of "
                     "conformance/client/response_forms.h",
      .expects = "found \"v\" and not-found, every time",
      .run = [](ClientCaseContext& ctx) { return every_legal_form(ctx, false); },
  });
}

}  // namespace kv
