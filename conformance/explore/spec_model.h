// The oracle of kvconform explore: what SPEC sections 4 to 6 and 10 let
// a server answer to each request an explore program sends, and the
// history of every key, checked for linearizability once the program is
// over. It judges; it does no I/O (program_executor.h does).
//
// It judges only what the program's own requests determine: the values
// of the keys it owns (key_space.h). A key it does not own may hold
// anything another client or an earlier program put there, so its answers
// are judged by their form alone (a hit or a miss for that key) and it has
// no history.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/engine/case_result.h"
#include "conformance/explore/explore_statistics.h"
#include "conformance/explore/key_space.h"
#include "conformance/explore/program.h"
#include "conformance/cases/linearizability.h"
#include "conformance/wire/read_event.h"

namespace kv {

// A broken rule, found at `step` (0-based; -1: after the last step).
struct ExploreFailure {
  std::string rule;
  Level level = Level::kMust;
  int step = -1;
  std::string expected;
  std::string observed;
};

// One request copy on the wire whose response is due.
struct Expectation {
  RequestOp op = RequestOp::kGet;
  std::string key;    // Wire key.
  std::string value;  // PUT: the value; GET: the value field sent (to be ignored).
  std::uint32_t kind = 0;
  bool bad_body = false;
  std::string rule;  // The rule its response answers to.
  int step = -1;
  int client = 0;  // Connection number, for the history.
  double invoke_ms = 0;
  std::string what;  // "GET "k"" for messages.
};

// Whether a correct server must answer a concrete request as a bad body
// (SPEC 4.3, 4.4): a garbage body, or a key or value that is not UTF-8.
bool is_bad_body(const Request& concrete);

class SpecModel {
 public:
  SpecModel(bool strict, KeySpace keys) : strict_(strict), space_(std::move(keys)) {}

  const KeySpace& key_space() const { return space_; }
  // The SPEC rules whose judgements ran so far (kStatRules).
  const ExploreStatistics& tally() const { return tally_; }

  // What a request copy expects. `request` is the program's entry,
  // `wire` the copy as sent (request_encoding.h: concrete_copy).
  Expectation expect(const Request& request, const Request& wire, int step, int client,
                     double invoke_ms) const;
  // The request's frame is on the wire whole: a PUT's value may be read
  // from now on.
  void sent(const Expectation& e);

  // Judges the response event to `e`, read at `now_ms`, and records it in
  // the key's history. `later` are the expectations due after `e` on the
  // same connection (to recognise a response that came out of order).
  std::optional<ExploreFailure> judge(const Expectation& e, const ReadEvent& event, double now_ms,
                                      const std::vector<const Expectation*>& later);

  // A PUT that never reached the server whole (a truncated frame, SPEC
  // 6.5; a frame with a bad footer, 6.2) or a value a GET carried (5.4):
  // `value` must never be read under `key` unless a PUT wrote it.
  void forbid(const std::string& key, const std::string& value, const std::string& rule);
  // A PUT whose outcome cannot be known (the client closed before its
  // acknowledgement): the key's history is no longer checked.
  void taint(const std::string& key) { tainted_.insert(key); }

  // Every owned key a request touched, untainted, for the final reads.
  std::vector<std::string> keys() const;

  // The linearizability check of every key's history (SPEC 10.1), with the
  // requests of one connection in order.
  std::optional<ExploreFailure> check_histories() const;

 private:
  std::optional<ExploreFailure> judge_get(const Expectation& e, const ReadEvent& event,
                                          double now_ms);
  std::optional<ExploreFailure> value_from_nowhere(const Expectation& e,
                                                   const std::string& value) const;

  bool strict_;
  KeySpace space_;
  mutable ExploreStatistics tally_;
  std::map<std::string, std::vector<RegisterOp>> history_;
  std::map<std::string, std::set<std::string>> written_;  // Every value PUT sent, per key.
  std::map<std::string, std::map<std::string, std::string>> forbidden_;  // key -> value -> rule
  std::set<std::string> tainted_;
  std::set<std::string> touched_;
};

}  // namespace kv
