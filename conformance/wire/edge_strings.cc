#include "conformance/wire/edge_strings.h"

#include <algorithm>
#include <array>
#include <utility>

namespace kv {
namespace {

using namespace std::string_literals;

constexpr std::array<std::pair<EdgeFamily, std::string_view>, 8> kFamilies = {{
    {EdgeFamily::kEmpty, "empty"},
    {EdgeFamily::kUtf8Widths, "utf8-widths"},
    {EdgeFamily::kNul, "nul"},
    {EdgeFamily::kWhitespace, "whitespace"},
    {EdgeFamily::kControl, "control"},
    {EdgeFamily::kEscapes, "escapes"},
    {EdgeFamily::kFooter, "footer"},
    {EdgeFamily::kLengths, "lengths"},
}};

std::vector<std::string> utf8_widths() {
  return {
      "\xc3\xa9",                                      // U+00E9, 2 bytes.
      "\xe2\x82\xac",                                  // U+20AC, 3 bytes.
      "\xf0\x9f\x98\x80",                              // U+1F600, 4 bytes.
      "\xc2\x80",                                      // U+0080, the first 2-byte code point.
      "\xdf\xbf",                                      // U+07FF, the last.
      "\xe0\xa0\x80",                                  // U+0800, the first 3-byte one.
      "\xed\x9f\xbf",                                  // U+D7FF, just below the surrogates.
      "\xee\x80\x80",                                  // U+E000, just above them.
      "\xef\xbf\xbf",                                  // U+FFFF, the last 3-byte one.
      "\xf0\x90\x80\x80",                              // U+10000, the first 4-byte one.
      "\xf4\x8f\xbf\xbf",                              // U+10FFFF, the last code point.
      "\xef\xbb\xbfk",                                 // A byte order mark, then "k".
      "e\xcc\x81t\xc3\xa9",                            // "été" half decomposed (NFD e + U+0301).
      "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z",        // Every width in one string.
      "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",              // Hebrew, right to left.
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",          // Japanese.
      "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",  // A ZWJ emoji sequence.
  };
}

std::vector<std::string> nul_strings() {
  return {"\0"s, "\0v"s, "v\0"s, "v\0w"s, "\0\0\0"s, "a\0b"s, "a\0c"s, "\xc3\xa9\0\xc3\xa9"s};
}

std::vector<std::string> whitespace_strings() {
  return {
      " ",
      "  ",
      " v",
      "v ",
      " v ",
      "\tv",
      "v\t",
      "\nv",
      "v\n",
      "v\r\n",
      "\rv",
      "\vv",
      "v\f",
      "\xc2\xa0v",
      "v\xc2\xa0",
      "v\xc2\x85",
      "\xe3\x80\x80v",  // NBSP, NEL, U+3000.
      "v\xe2\x80\xa8",
      "v\xe2\x80\x8b",
      "\xe2\x80\x83v",  // U+2028, U+200B, U+2003.
      "\t \n",
  };
}

std::vector<std::string> control_strings() {
  std::vector<std::string> out;
  std::string all;
  for (int c = 1; c < 0x20; ++c) {
    out.push_back("c"s + static_cast<char>(c) + "c");
    all += static_cast<char>(c);
  }
  out.push_back("c\x7f"s + "c");
  all += '\x7f';
  out.push_back(all);
  // C1 controls U+0080..U+009F, encoded c2 80 .. c2 9f.
  std::string c1;
  for (int c = 0x80; c < 0xa0; ++c) c1 += "\xc2"s + static_cast<char>(c);
  out.push_back(c1);
  return out;
}

std::vector<std::string> escape_strings() {
  return {"\"",    "\\",          "\\\"", "\\u0000", "\\n",       "'",
          "%s%n",  "<\\/script>", "null", "{}",      "[\"a\",1]", "\x1b[31mred\x1b[0m",
          "&amp;", "\\x00"};
}

std::vector<std::string> footer_strings() {
  // A whole PUT acknowledgement frame (SPEC 5.1) and a whole hit frame for
  // key "k" and value "v" (5.2) as text: all their bytes are ASCII.
  const std::string ack_frame = "\x07\x00\x00\x00\x18\x03@EOF@"s;
  const std::string hit_frame = "\x0d\x00\x00\x00\x0a\x01k\x12\x01v\x18\x02@EOF@"s;
  return {"@EOF@",
          "@EOF@v",
          "v@EOF@",
          "@EOF@@EOF@",
          "@EOF",
          "EOF@",
          "@EO",
          "v@EOF@v@EOF@",
          ack_frame,
          hit_frame,
          "@EOF@" + hit_frame,
          "@eof@",
          "\x05\x00\x00\x00@EOF@"s};
}

}  // namespace

const std::vector<EdgeFamily>& all_edge_families() {
  static const std::vector<EdgeFamily> families = [] {
    std::vector<EdgeFamily> out;
    for (const auto& entry : kFamilies) out.push_back(entry.first);
    return out;
  }();
  return families;
}

std::string_view edge_family_name(EdgeFamily family) {
  for (const auto& [value, name] : kFamilies) {
    if (value == family) return name;
  }
  return "?";
}

std::string patterned_string(std::size_t size) {
  // Decimal offsets every 8 bytes, so that a cut or a repeat shows where.
  std::string out;
  out.reserve(size + 16);
  while (out.size() < size) {
    std::string mark = std::to_string(out.size());
    mark.resize(7, '.');
    out += mark;
    out += static_cast<char>('a' + (out.size() / 8) % 26);
  }
  out.resize(size);
  return out;
}

std::vector<std::string> edge_strings(EdgeFamily family, std::size_t max_bytes) {
  std::vector<std::string> out;
  switch (family) {
    case EdgeFamily::kEmpty:
      out = {""};
      break;
    case EdgeFamily::kUtf8Widths:
      out = utf8_widths();
      break;
    case EdgeFamily::kNul:
      out = nul_strings();
      break;
    case EdgeFamily::kWhitespace:
      out = whitespace_strings();
      break;
    case EdgeFamily::kControl:
      out = control_strings();
      break;
    case EdgeFamily::kEscapes:
      out = escape_strings();
      break;
    case EdgeFamily::kFooter:
      out = footer_strings();
      break;
    case EdgeFamily::kLengths:
      for (const std::size_t size :
           {127, 128, 255, 256, 1023, 1024, 16383, 16384, 65535, 65536, 65537}) {
        out.push_back(patterned_string(size));
      }
      break;
  }
  std::erase_if(out, [max_bytes](const std::string& s) { return s.size() > max_bytes; });
  return out;
}

const std::vector<InvalidUtf8>& invalid_utf8_classes() {
  static const std::vector<InvalidUtf8> classes = {
      {"stray-continuation", "\x80"},
      {"byte-ff", "\xff"},
      {"byte-c0", "\xc0"},
      {"byte-f5", "\xf5\x80\x80\x80"},
      {"overlong-2", "\xc1\xbf"},
      {"overlong-nul", "\xc0\x80"},
      {"overlong-3", "\xe0\x80\xaf"},
      {"overlong-4", "\xf0\x80\x80\xaf"},
      {"surrogate-high", "\xed\xa0\x80"},
      {"surrogate-low", "\xed\xbf\xbf"},
      {"above-10ffff", "\xf4\x90\x80\x80"},
      {"cut-at-end", "\xe6\x97"},
      {"cut-in-middle", "\xe6\x97k"},
      {"missing-continuation", "\xc3k"},
  };
  return classes;
}

std::vector<LookalikeKey> lookalike_keys(std::string_view key) {
  const std::string base(key);
  std::vector<LookalikeKey> out;
  std::string flipped = base;
  for (char& c : flipped) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  out.push_back({"case", flipped});
  out.push_back({"after-nul", base + "\0x"s});
  out.push_back({"prefix", base + "x"});
  out.push_back({"trailing-space", base + " "});
  if (!base.empty()) {
    // Without its last character (a whole UTF-8 sequence).
    std::size_t end = base.size() - 1;
    while (end > 0 && (static_cast<unsigned char>(base[end]) & 0xC0U) == 0x80U) --end;
    out.push_back({"one-shorter", base.substr(0, end)});
  }
  if (const std::size_t at = base.find("\xc3\xa9"); at != std::string::npos) {
    std::string nfd = base;
    nfd.replace(at, 2, "e\xcc\x81");
    out.push_back({"normalisation", nfd});
  }
  out.push_back({"empty", ""});
  std::erase_if(out, [&](const LookalikeKey& k) { return k.key == base; });
  return out;
}

}  // namespace kv
