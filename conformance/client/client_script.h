// The replayable script of a client program: JSON (schema
// "kvconform-client-script/1"), the program's steps plus the settings it
// ran with and the failure it showed when it was saved. Keys and values
// are JSON strings (they travel to the adapter as such); a long value that
// is patterned_string(N) (conformance/wire/edge_strings.h) is stored as
// {"patterned": N}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "conformance/client/client_program.h"
#include "conformance/client/client_program_runner.h"

namespace kv {

inline constexpr const char* kClientScriptSchema = "kvconform-client-script/1";

struct ClientScript {
  ClientProgram program;
  std::uint32_t client_timeout_ms = 2000;
  std::uint32_t max_frame_bytes = 0;
  std::uint64_t seed = 0;
  std::uint64_t program_index = 0;
  std::optional<ClientFailure> failure;
};

// The script as pretty-printed JSON text.
std::string client_script_to_json(const ClientScript& script);
// Parses a script; std::nullopt with `error` set if it is not one.
std::optional<ClientScript> client_script_from_json(const std::string& text, std::string& error);
// Reads and parses the file at `path`.
std::optional<ClientScript> load_client_script(const std::string& path, std::string& error);
// True if the file at `path` is JSON with the schema of a client script
// (kvconform replay runs it against an adapter, not a server).
bool is_client_script_file(const std::string& path);

}  // namespace kv
