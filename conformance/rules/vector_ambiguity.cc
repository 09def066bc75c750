#include "conformance/rules/vector_ambiguity.h"

#include <set>

#include "codec/frame_format.h"

namespace kv {

std::string_view ambiguity_name(Ambiguity ambiguity) {
  switch (ambiguity) {
    case Ambiguity::kBadBody:
      return "bad-body";
    case Ambiguity::kKindZero:
      return "kind-0";
    case Ambiguity::kPutNotReadBack:
      return "put-not-read-back";
  }
  return "?";
}

std::vector<AmbiguousFrame> ambiguous_frames(const SpecVector& vector) {
  std::vector<AmbiguousFrame> frames;
  // The keys a later GET reads back, found walking the events backwards.
  std::set<std::string> read_later;
  for (std::size_t i = vector.expect.size(); i-- > 0;) {
    const nlohmann::json& event = vector.expect[i];
    if (event.contains("error")) {
      if (event["error"] == "bad-body") frames.push_back({i, Ambiguity::kBadBody});
      continue;
    }
    const std::uint32_t kind = event["kind"];
    const std::string key = event["key"];
    if (kind == 0) frames.push_back({i, Ambiguity::kKindZero});
    if (kind == kKindPutOrUpdate && !read_later.contains(key)) {
      frames.push_back({i, Ambiguity::kPutNotReadBack});
    }
    if (kind == kKindGet) read_later.insert(key);
  }
  return {frames.rbegin(), frames.rend()};
}

bool is_message_vector(const SpecVector& vector) {
  return vector.rule.starts_with("4.");
}

namespace {

// "framing/split-at-3" becomes "framing-split-at-3".
std::string slug_of(const SpecVector& vector) {
  std::string slug = vector.id;
  for (char& c : slug) {
    if (c == '/') c = '-';
  }
  return slug;
}

}  // namespace

std::string vector_case_id(const SpecVector& vector) {
  return vector.rule + "/vector-" + slug_of(vector);
}

std::string companion_case_id(const SpecVector& vector) {
  return vector.rule + "/companion-" + slug_of(vector);
}

}  // namespace kv
