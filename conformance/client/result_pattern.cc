#include "conformance/client/result_pattern.h"

namespace kv {

ResultPattern ResultPattern::of(AdapterResult result) {
  if (result.kind == AdapterResult::Kind::kBatch) {
    std::vector<ResultPattern> items;
    for (AdapterResult& one : result.results) items.push_back(of(std::move(one)));
    return batch(std::move(items));
  }
  return {Kind::kExact, std::move(result), {}};
}

ResultPattern ResultPattern::any_error() {
  return {Kind::kAnyError, {}, {}};
}

ResultPattern ResultPattern::or_any_error(AdapterResult result) {
  return {Kind::kExactOrError, std::move(result), {}};
}

ResultPattern ResultPattern::batch(std::vector<ResultPattern> items) {
  return {Kind::kBatch, {}, std::move(items)};
}

bool result_matches(const ResultPattern& want, const AdapterResult& got) {
  const bool is_error = got.kind == AdapterResult::Kind::kError;
  switch (want.kind) {
    case ResultPattern::Kind::kExact:
      return same_result(want.exact, got);
    case ResultPattern::Kind::kAnyError:
      return is_error;
    case ResultPattern::Kind::kExactOrError:
      return is_error || same_result(want.exact, got);
    case ResultPattern::Kind::kBatch:
      break;
  }
  if (got.kind != AdapterResult::Kind::kBatch || got.results.size() != want.items.size()) {
    return false;
  }
  for (std::size_t i = 0; i < want.items.size(); ++i) {
    if (!result_matches(want.items[i], got.results[i])) return false;
  }
  return true;
}

std::string describe(const ResultPattern& pattern) {
  switch (pattern.kind) {
    case ResultPattern::Kind::kExact:
      return describe(pattern.exact);
    case ResultPattern::Kind::kAnyError:
      return "error (any class)";
    case ResultPattern::Kind::kExactOrError:
      return describe(pattern.exact) + " or an error (any class)";
    case ResultPattern::Kind::kBatch:
      break;
  }
  std::string text = "batch [";
  for (std::size_t i = 0; i < pattern.items.size(); ++i) {
    text += (i > 0 ? ", " : "") + describe(pattern.items[i]);
  }
  return text + "]";
}

}  // namespace kv
