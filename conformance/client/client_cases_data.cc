// Client cases for data of every kind (SPEC 13.1, 13.8 with 4.3 and 5.5):
// keys and values from the families of conformance/wire/edge_strings.h go
// out in requests byte for byte and come back from hits byte for byte; a
// hit with an empty value is a hit; a GET answered for a key that only
// looks like the requested one is unexpected-response.
#include <fmt/format.h>

#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/client/client_case.h"
#include "conformance/client/client_case_steps.h"
#include "conformance/wire/edge_strings.h"
#include "conformance/wire/messages.h"

namespace kv {
namespace {

namespace asio = boost::asio;

// For every string s of `strings`: PUT s = t, then GET s answered with the
// hit s = t, where t is the next string of the family (so each string is
// both a key and a value). Both requests must carry the bytes exactly, and
// the GET must report found t.
asio::awaitable<Verdict> round_trips(ClientCaseContext& ctx, std::vector<std::string> strings) {
  int conn = 0;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    const std::string& key = strings[i];
    const std::string& value = strings[(i + 1) % strings.size()];
    const auto bound = key.size() + value.size() > 64 * 1024 ? ctx.options().bulk_timeout()
                                                             : ctx.options().step_timeout();
    ctx.log().info(0, fmt::format("string {} of {}: key {}, value {}", i + 1, strings.size(),
                                  quote_bytes(key), quote_bytes(value)));
    KV_CHECK(co_await exchange(ctx, put_command(key, value), make_put(key, value),
                               answer_with(frame_of(make_put_ack())), stored_result(), bound,
                               conn));
    KV_CHECK(co_await exchange(ctx, get_command(key), make_get(key),
                               answer_with(hit_frame(key, value)), found_result(value), bound,
                               conn));
  }
  co_return passed();
}

ClientCaseFn family_round_trips(EdgeFamily family) {
  return [family](ClientCaseContext& ctx) { return round_trips(ctx, edge_strings(family)); };
}

std::string family_list(EdgeFamily family) {
  return fmt::format("the {} strings of the family \"{}\" (conformance/wire/edge_strings.cc)",
                     edge_strings(family).size(), edge_family_name(family));
}

asio::awaitable<Verdict> empty_key_and_value(ClientCaseContext& ctx) {
  // PUT "" = "" and GET "" answered with the canonical hit of the empty key
  // and the empty value, {kind: 2}: its body is the two bytes 18 02.
  std::vector<std::string> strings = {""};
  co_return co_await round_trips(ctx, std::move(strings));
}

// A GET of `key` answered with a hit (or a miss) for each look-alike key.
asio::awaitable<Verdict> lookalikes(ClientCaseContext& ctx, std::string key, bool hits) {
  int conn = 0;
  for (const LookalikeKey& other : lookalike_keys(key)) {
    ctx.log().info(
        0, fmt::format("answered for the {} look-alike {}", other.how, quote_bytes(other.key)));
    const Message answer = hits ? make_get_hit(other.key, "v") : make_get_miss(other.key);
    KV_CHECK(co_await exchange(ctx, get_command(key), make_get(key), answer_with(frame_of(answer)),
                               error_result("unexpected-response"), ctx.options().step_timeout(),
                               conn));
  }
  co_return passed();
}

ClientCaseFn lookalike_case(bool hits) {
  return [hits](ClientCaseContext& ctx) { return lookalikes(ctx, "Key\xc3\xa9", hits); };
}

}  // namespace

void add_client_data_cases(std::vector<ClientCaseDef>& cases) {
  const auto family_case = [&](std::string slug, EdgeFamily family, std::string what) {
    cases.push_back({
        .id = "13.1/" + slug,
        .quote = "keys and values are any UTF-8 (4.3): a request carries them byte for byte, a "
                 "hit returns its value byte for byte",
        .server_does = fmt::format("for each of {} ({}): reads PUT s = t (t the next string) and "
                                   "acknowledges it, then reads GET s and answers the hit s = t",
                                   family_list(family), what),
        .expects = "every request with exactly those bytes; the results stored, then found t",
        .run = family_round_trips(family),
    });
  };
  family_case("utf8-every-width", EdgeFamily::kUtf8Widths,
              "2-, 3- and 4-byte sequences, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, "
              "U+10000, U+10FFFF, a byte order mark, NFD, right to left, ZWJ emoji");
  family_case("nul-inside", EdgeFamily::kNul,
              "U+0000 alone, at the start, in the middle, at the end, repeated");
  family_case("whitespace-at-the-ends", EdgeFamily::kWhitespace,
              "space, tab, LF, CR LF, VT, FF, NBSP, NEL, U+3000, U+2028, U+200B, U+2003 at either "
              "end");
  family_case("control-characters", EdgeFamily::kControl,
              "each of U+0001..U+001F and U+007F between two letters, all of them in one string, "
              "and the C1 controls U+0080..U+009F");
  family_case("escape-characters", EdgeFamily::kEscapes,
              "quotes, backslashes, \\u0000 spelled out, printf directives, JSON literals, an "
              "ANSI escape");
  family_case("footer-bytes-inside", EdgeFamily::kFooter,
              "\"@EOF@\" alone, at either end and twice, its pieces, \"@eof@\", and whole frames "
              "(a PUT acknowledgement, a hit) as text");
  family_case("lengths-near-boundaries", EdgeFamily::kLengths,
              "127, 128, 255, 256, 1023, 1024, 16383, 16384, 65535, 65536 and 65537 bytes");
  cases.push_back({
      .id = "13.1/empty-key-and-value",
      .quote = "the empty key and the empty value are ordinary data (5.5)",
      .server_does = "reads PUT \"\" = \"\" and acknowledges it, then reads GET \"\" and answers "
                     "the canonical hit {kind: 2} (body 18 02)",
      .expects = "the requests PUT \"\" = \"\" and GET \"\"; the results stored, then found \"\"",
      .run = empty_key_and_value,
  });
  cases.push_back({
      .id = "13.8/hit-with-empty-value",
      .quote = "{key: k, kind: 2, status: Ok} is a hit with its value, the empty value too (5.5)",
      .server_does = "answers GET k with {key: k, kind: 2, status: Ok}: no value field",
      .expects = "the result found \"\" (not not-found)",
      .run =
          [](ClientCaseContext& ctx) {
            return exchange_case(ctx, get_command("k"), make_get("k"),
                                 answer_with(hit_frame("k", "")), found_result(""));
          },
  });
  cases.push_back({
      .id = "13.8/hit-for-lookalike-key",
      .quote = "a GET response for another key is unexpected-response, however alike the keys",
      .server_does = "answers GET \"Key\xc3\xa9\" once for each look-alike key with the hit for "
                     "it: other case, a suffix after U+0000, a longer key, a trailing space, one "
                     "character shorter, NFD instead of NFC, the empty key",
      .expects = "the error unexpected-response every time",
      .run = lookalike_case(true),
  });
  cases.push_back({
      .id = "13.8/miss-for-lookalike-key",
      .quote = "a GET response for another key is unexpected-response, a miss too",
      .server_does = "answers GET \"Key\xc3\xa9\" once for each look-alike key with the miss for "
                     "it",
      .expects = "the error unexpected-response every time (not not-found)",
      .run = lookalike_case(false),
  });
}

}  // namespace kv
