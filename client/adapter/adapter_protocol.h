// The client adapter contract (spec/client-adapter.md) as C++ values: the
// JSON command lines kvconform writes to an adapter's stdin and the JSON
// result lines the adapter writes back, one line each, in order.
//
// Commands: {"op":"put","key":K,"value":V}, {"op":"get","key":K},
// {"op":"batch","requests":[put or get objects...]}, {"op":"close"}.
// Results: {"result":"stored"}, {"result":"found","value":V},
// {"result":"not-found"}, {"result":"error","class":C,"message":M},
// {"result":"batch","results":[...]}, {"result":"closed"}.
//
// The reference adapter, the broken test adapters and kvconform share
// these functions, so that the contract is written down in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

struct AdapterRequest {
  enum class Op { kPut, kGet };
  Op op = Op::kGet;
  std::string key;
  std::string value;  // PUT only.
};

struct AdapterCommand {
  enum class Op { kPut, kGet, kBatch, kClose };
  Op op = Op::kGet;
  // One request for kPut and kGet, any number for kBatch, none for kClose.
  std::vector<AdapterRequest> requests;
};

struct AdapterResult {
  enum class Kind { kStored, kFound, kNotFound, kError, kBatch, kClosed };
  Kind kind = Kind::kError;
  std::string value;                   // kFound.
  std::string error_class;             // kError: "timeout", "bad-footer", ... (SPEC 13.13).
  std::string message;                 // kError: free text for people; optional.
  std::vector<AdapterResult> results;  // kBatch: one per request, in order.

  friend bool operator==(const AdapterResult&, const AdapterResult&) = default;
};

AdapterCommand put_command(std::string key, std::string value);
AdapterCommand get_command(std::string key);
AdapterCommand batch_command(std::vector<AdapterRequest> requests);
AdapterCommand close_command();

AdapterResult stored_result();
AdapterResult found_result(std::string value);
AdapterResult not_found_result();
AdapterResult error_result(std::string error_class, std::string message = {});
AdapterResult batch_result(std::vector<AdapterResult> results);
AdapterResult closed_result();

// True when `got` says what `want` says: the same kind, value and error
// class, recursively for batches. Error messages are free text and are
// not compared.
bool same_result(const AdapterResult& want, const AdapterResult& got);

// One JSON line, without its newline. Keys and values must be UTF-8.
std::string to_json_line(const AdapterCommand& command);
std::string to_json_line(const AdapterResult& result);

// Parse one line; std::nullopt with `error` set if it is not a command
// (or result) of the contract.
std::optional<AdapterCommand> parse_command(std::string_view line, std::string& error);
std::optional<AdapterResult> parse_result(std::string_view line, std::string& error);

// The result for people: `found "v"`, `error timeout`, `batch [stored,
// not-found]`; long values are cut and their size given.
std::string describe(const AdapterResult& result);
std::string describe(const AdapterCommand& command);

}  // namespace kv
