// SPEC 5.9, exact storage: keys compare, and values come back, as the
// exact bytes sent. Each case writes a family of keys that a transforming
// store would take for one key (case, whitespace, Unicode normalisation,
// line endings, a long common prefix), each holding a value of the same
// family, and reads every one back: a store that folds, trims, normalises,
// converts or cuts keys returns another key's value, and one that does it
// to values returns altered bytes.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "conformance/cases/case_helpers.h"
#include "conformance/cases/case_registry.h"

namespace kv {

namespace {

namespace asio = boost::asio;

// One spelling of a family: the bytes put before and after a core text,
// or the core itself in ASCII capitals.
struct Spelling {
  std::string label;
  std::string before;
  std::string after;
  bool upper_core = false;
};

std::string ascii_upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

std::string spell(const Spelling& spelling, const std::string& core) {
  return spelling.before + (spelling.upper_core ? ascii_upper(core) : core) + spelling.after;
}

// The entries of a family: the key and the value of entry i are both
// spelling i, of the case's key and of "value" respectively, so that two
// keys a server conflates return each other's values, and a value it
// alters comes back altered.
std::vector<KeyValue> family(CaseContext& ctx, const std::vector<Spelling>& spellings) {
  const std::string key_core = ctx.key("k");
  std::vector<KeyValue> entries;
  for (const Spelling& spelling : spellings) {
    entries.push_back({spell(spelling, key_core), spell(spelling, "value"),
                       fmt::format("the spelling {} of key and value", spelling.label)});
  }
  return entries;
}

Spelling suffix(std::string label, std::string after) {
  return {std::move(label), "", std::move(after)};
}

Spelling prefix(std::string label, std::string before) {
  return {std::move(label), std::move(before), ""};
}

std::vector<Spelling> case_spellings() {
  return {
      suffix("plain", ""),
      {"in ASCII capitals", "", "", true},
      suffix("+k", "k"),
      suffix("+K", "K"),
      prefix("a+", "a"),
      prefix("A+", "A"),
      suffix("+U+00E9 é", "\xc3\xa9"),
      suffix("+U+00C9 É", "\xc3\x89"),
      suffix("+U+03C3 σ", "\xcf\x83"),
      suffix("+U+03A3 Σ", "\xce\xa3"),
      suffix("+U+03C2 ς", "\xcf\x82"),
      suffix("+U+00DF ß", "\xc3\x9f"),
      suffix("+U+1E9E ẞ", "\xe1\xba\x9e"),
      suffix("+ss", "ss"),
      suffix("+SS", "SS"),
      suffix("+i", "i"),
      suffix("+I", "I"),
      suffix("+U+0130 İ", "\xc4\xb0"),
      suffix("+U+0131 ı", "\xc4\xb1"),
      suffix("+U+0434 д", "\xd0\xb4"),
      suffix("+U+0414 Д", "\xd0\x94"),
      suffix("+U+01C6 ǆ", "\xc7\x86"),
      suffix("+U+01C5 ǅ", "\xc7\x85"),
      suffix("+U+01C4 Ǆ", "\xc7\x84"),
      suffix("+U+FF41 ａ", "\xef\xbd\x81"),
      suffix("+U+FF21 Ａ", "\xef\xbc\xa1"),
      suffix("+U+212A Kelvin sign", "\xe2\x84\xaa"),
  };
}

std::vector<Spelling> whitespace_spellings() {
  return {
      suffix("plain", ""),
      prefix("space+", " "),
      suffix("+space", " "),
      {"space+ +space", " ", " "},
      suffix("+two spaces", "  "),
      suffix("+ x (one space inside)", " x"),
      suffix("+  x (two spaces inside)", "  x"),
      suffix("+tab x (a tab inside)", "\tx"),
      prefix("tab+", "\t"),
      suffix("+tab", "\t"),
      prefix("LF+", "\n"),
      suffix("+LF", "\n"),
      suffix("+CR", "\r"),
      suffix("+CR LF", "\r\n"),
      suffix("+VT", "\v"),
      suffix("+FF", "\f"),
      prefix("U+00A0 no-break space+", "\xc2\xa0"),
      suffix("+U+00A0 no-break space", "\xc2\xa0"),
      suffix("+U+0085 next line", "\xc2\x85"),
      suffix("+U+1680 ogham space", "\xe1\x9a\x80"),
      suffix("+U+2002 en space", "\xe2\x80\x82"),
      suffix("+U+2003 em space", "\xe2\x80\x83"),
      suffix("+U+2009 thin space", "\xe2\x80\x89"),
      suffix("+U+200A hair space", "\xe2\x80\x8a"),
      suffix("+U+200B zero-width space", "\xe2\x80\x8b"),
      suffix("+U+2028 line separator", "\xe2\x80\xa8"),
      suffix("+U+2029 paragraph separator", "\xe2\x80\xa9"),
      suffix("+U+202F narrow no-break space", "\xe2\x80\xaf"),
      suffix("+U+205F math space", "\xe2\x81\x9f"),
      prefix("U+3000 ideographic space+", "\xe3\x80\x80"),
      suffix("+U+3000 ideographic space", "\xe3\x80\x80"),
      prefix("U+FEFF byte order mark+", "\xef\xbb\xbf"),
      suffix("+U+FEFF byte order mark", "\xef\xbb\xbf"),
  };
}

// Canonically or compatibly equivalent spellings of the same text (NFC,
// NFD, NFKC, NFKD and unordered combining marks), each a different key.
std::vector<Spelling> normalisation_spellings() {
  return {
      suffix("+é NFC (c3 a9)", "\xc3\xa9"),
      suffix("+é NFD (65 cc 81)", "e\xcc\x81"),
      suffix("+Å NFC (c3 85)", "\xc3\x85"),
      suffix("+Å NFD (41 cc 8a)", "A\xcc\x8a"),
      suffix("+U+212B angstrom sign", "\xe2\x84\xab"),
      suffix("+ñ NFC (c3 b1)", "\xc3\xb1"),
      suffix("+ñ NFD (6e cc 83)", "n\xcc\x83"),
      suffix("+ṩ NFC (U+1E69)", "\xe1\xb9\xa9"),
      suffix("+s, dot below, dot above (NFD order)", "s\xcc\xa3\xcc\x87"),
      suffix("+s, dot above, dot below (unordered)", "s\xcc\x87\xcc\xa3"),
      suffix("+한 syllable (U+D55C)", "\xed\x95\x9c"),
      suffix("+한 as three jamo", "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab"),
      suffix("+U+03A9 omega", "\xce\xa9"),
      suffix("+U+2126 ohm sign", "\xe2\x84\xa6"),
      suffix("+U+FB01 ligature ﬁ", "\xef\xac\x81"),
      suffix("+fi", "fi"),
      suffix("+U+00B2 superscript two", "\xc2\xb2"),
      suffix("+2", "2"),
      suffix("+U+2460 circled one", "\xe2\x91\xa0"),
      suffix("+1", "1"),
      suffix("+U+FF76 halfwidth ka", "\xef\xbd\xb6"),
      suffix("+U+30AB katakana ka", "\xe3\x82\xab"),
  };
}

std::vector<Spelling> line_ending_spellings() {
  return {
      suffix("+a LF b", "a\nb"),
      suffix("+a CR LF b", "a\r\nb"),
      suffix("+a CR b", "a\rb"),
      suffix("+a LF CR b", "a\n\rb"),
      suffix("+a CR CR LF b", "a\r\r\nb"),
      suffix("+a LF LF b", "a\n\nb"),
      suffix("+a CR LF CR LF b", "a\r\n\r\nb"),
      suffix("+a U+2028 b",
             "a\xe2\x80\xa8"
             "b"),
      suffix("+a U+0085 b",
             "a\xc2\x85"
             "b"),
      suffix("+LF", "\n"),
      suffix("+CR LF", "\r\n"),
      prefix("CR LF+", "\r\n"),
      suffix("+40 lines ending CR LF",
             [] {
               std::string lines;
               for (int i = 0; i < 40; ++i) lines += fmt::format("line {}\r\n", i);
               return lines;
             }()),
      suffix("+40 lines ending LF",
             [] {
               std::string lines;
               for (int i = 0; i < 40; ++i) lines += fmt::format("line {}\n", i);
               return lines;
             }()),
  };
}

// The common prefixes of long_prefix_entries: around the sizes a store
// might key by (a cache line, a small buffer, a page, a 16-bit length).
constexpr std::size_t kCommonPrefixes[] = {64, 256, 1024, 4096, 65536};
constexpr std::uint32_t kLongPrefixMinFrame = 2 * (65536 + 1) + 64;

// `size` bytes that start with `start` and go on with printable filler
// that does not repeat soon.
std::string filled_to(std::string start, std::size_t size) {
  while (start.size() < size) {
    start += fmt::format("{:07x}.", start.size() * 2654435761U % 0xFFFFFFFU);
  }
  start.resize(size);
  return start;
}

// For each common prefix P: the key of P bytes, and two keys of P + 1
// bytes that extend it by "a" and by "b"; their values share a prefix of
// P bytes in the same way, so a store that keeps only a prefix of keys or
// of values, at any length up to 64 KiB, fails.
std::vector<KeyValue> long_prefix_entries(CaseContext& ctx) {
  // A short core (16 hex digits of the case's key), so that even the
  // 64-byte prefix is mostly filler.
  const std::string core =
      fmt::format("{:016x}/", std::hash<std::string>{}(ctx.key("long-prefix")));
  const std::string longest_key = filled_to(core, kCommonPrefixes[4]);
  const std::string longest_value = filled_to("value/", kCommonPrefixes[4]);
  std::vector<KeyValue> entries;
  for (const std::size_t size : kCommonPrefixes) {
    const std::string key = longest_key.substr(0, size);
    const std::string value = longest_value.substr(0, size);
    for (const std::string tail : {"", "a", "b"}) {
      entries.push_back({key + tail, value + tail,
                         fmt::format("the key of {} bytes{} (common prefix {} bytes)",
                                     size + std::string(tail).size(),
                                     std::string(tail).empty() ? "" : " ending in " + tail, size)});
    }
  }
  return entries;
}

using FamilyFn = std::function<std::vector<KeyValue>(CaseContext&)>;

asio::awaitable<Verdict> family_run(CaseContext& ctx, FamilyFn make) {
  KV_CHECK(co_await put_all_then_get_all(ctx, make(ctx)));
  co_return passed();
}

CaseFn family_case(std::vector<Spelling> (*spellings)()) {
  return [spellings](CaseContext& ctx) {
    return family_run(ctx, [spellings](CaseContext& c) { return family(c, spellings()); });
  };
}

std::string labels(const std::vector<Spelling>& spellings) {
  std::string text;
  for (const Spelling& spelling : spellings) text += (text.empty() ? "" : ", ") + spelling.label;
  return text;
}

}  // namespace

void register_exact_storage_cases(CaseRegistry& registry) {
  SectionCases cases(registry, 5);
  const std::string how =
      "on one connection, each frame in a write of its own: PUT every key with its own value, "
      "then GET every key; the key and the value of each entry are the same spelling of the "
      "case's key and of \"value\": ";
  const std::string expects =
      "every PUT acknowledged; every GET a hit returning its own key and its own value byte for "
      "byte (a store that conflates two spellings returns the other one's value)";
  cases.add({
      .id = "5.9/keys-differ-only-in-case",
      .quote = "keys compare byte for byte: keys that differ only in letter case are different "
               "keys, and values keep their case",
      .sends = how + labels(case_spellings()),
      .expects = expects,
      .needs = {"5.1/put-then-get"},
      .run = family_case(case_spellings),
  });
  cases.add({
      .id = "5.9/keys-differ-only-in-whitespace",
      .quote = "keys compare byte for byte: no whitespace of any kind is trimmed or collapsed, "
               "in keys or values",
      .sends = how + labels(whitespace_spellings()),
      .expects = expects,
      .needs = {"5.1/put-then-get"},
      .run = family_case(whitespace_spellings),
  });
  cases.add({
      .id = "5.9/keys-differ-only-in-normalisation",
      .quote = "keys compare byte for byte: the NFC, NFD and compatibility spellings of one text "
               "are different keys and values",
      .sends = how + labels(normalisation_spellings()),
      .expects = expects,
      .needs = {"5.1/put-then-get"},
      .run = family_case(normalisation_spellings),
  });
  cases.add({
      .id = "5.9/line-endings-kept",
      .quote = "values (and keys) come back byte for byte: no line-ending conversion",
      .sends = how + labels(line_ending_spellings()),
      .expects = expects,
      .needs = {"5.1/put-then-get"},
      .run = family_case(line_ending_spellings),
  });
  cases.add({
      .id = "5.9/keys-differ-after-long-prefix",
      .quote = "keys compare byte for byte, however long their common prefix; values are never "
               "cut",
      .sends = "on one connection, each frame in a write of its own: for P = 64, 256, 1024, "
               "4096 and 65536, PUT the key of P bytes and its two extensions by \"a\" and by "
               "\"b\", with values of the same lengths that likewise share their first P bytes; "
               "then GET all 15 keys",
      .expects = expects,
      .timing = Timing::kBulk,
      .needs = {"5.1/put-then-get"},
      .min_max_frame_bytes = kLongPrefixMinFrame,
      .run = [](CaseContext& ctx) { return family_run(ctx, long_prefix_entries); },
  });
}

}  // namespace kv
