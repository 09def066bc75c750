// Plays a client program against the client under test: for each step it
// writes the command to the adapter, reads the requests the client sends
// (each must be the frame SPEC 13.1 asks for, on a connection the client
// may use), answers them as the program says, and judges the result
// against the model (client_answers.h). Connections are judged too: a
// batch goes on one connection; after a framing error, a close command or
// the end of a connection the next request goes on another (13.6, 13.13);
// a connection the client must close is closed; no request arrives that
// no command asked for.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "conformance/client/client_case.h"
#include "conformance/client/client_program.h"

namespace kv {

// What went wrong, by kind: the shrinker keeps a candidate that fails
// with the same kind.
enum class ClientFailureKind {
  kRequest,     // A request that is not the command's, or none.
  kConnection,  // A request on a connection it must not use, or one left open.
  kResult,      // A result the model does not allow.
  kHang,        // No result within the bound.
  kCrash,       // The adapter died.
  kGarbage,     // The adapter wrote a line that is not a result.
};

std::string_view failure_kind_name(ClientFailureKind kind);

struct ClientFailure {
  ClientFailureKind kind = ClientFailureKind::kResult;
  std::string rule;  // The SPEC rule, "13.1" ... "13.13".
  int step = -1;     // 0-based; -1 after the last step.
  std::string expected;
  std::string observed;
};

// Counts for the statistics of an exploration.
struct ClientRunCounts {
  std::uint64_t steps = 0, requests = 0, connections = 0;
  std::map<std::string, std::uint64_t> commands;  // put, get, batch, close.
  std::map<std::string, std::uint64_t> faults;    // By fault_name(), "refuse" too.
  std::map<std::string, std::uint64_t> forms;     // Legal answers by response form.
  std::map<std::string, std::uint64_t> shapes;    // Steps by answer shape.
  std::map<std::string, std::uint64_t> rules;     // Results judged, by the SPEC rule judged.

  void add(const ClientRunCounts& other);
};

struct ClientProgramRun {
  std::optional<ClientFailure> failure;
  // The run says nothing: the machine was too slow to tell a timeout from
  // a late legal answer, or the harness failed (`note` says which).
  bool inconclusive = false;
  std::string note;
  ClientRunCounts counts;
};

// Plays `program` with the adapter and scripted server of `ctx`.
boost::asio::awaitable<ClientProgramRun> run_client_program(ClientCaseContext& ctx,
                                                            const ClientProgram& program);

}  // namespace kv
