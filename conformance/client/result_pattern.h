// What a conforming client may report for one command, when more than one
// result is right: an error whose class the spec leaves open (the requests
// of a batch left unanswered when its connection ended, spec/client-
// adapter.md), or the expected result or else any error (a request after
// a bad body, which a client MAY answer on the same connection or abandon
// with it, SPEC 13.7).
#pragma once

#include <string>
#include <vector>

#include "client/adapter/adapter_protocol.h"

namespace kv {

struct ResultPattern {
  enum class Kind {
    kExact,         // `exact`, compared with same_result().
    kAnyError,      // An error of any class.
    kExactOrError,  // `exact`, or an error of any class.
    kBatch,         // A batch whose results match `items`, in order.
  };
  Kind kind = Kind::kExact;
  AdapterResult exact;
  std::vector<ResultPattern> items;

  static ResultPattern of(AdapterResult result);
  static ResultPattern any_error();
  static ResultPattern or_any_error(AdapterResult result);
  static ResultPattern batch(std::vector<ResultPattern> items);
};

// True when `got` is one of the results `want` allows.
bool result_matches(const ResultPattern& want, const AdapterResult& got);

// "found \"v\"", "an error of any class", "batch [stored, found \"v\" or any
// error]".
std::string describe(const ResultPattern& pattern);

}  // namespace kv
