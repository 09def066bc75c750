// The replayable script of an explore program: JSON (schema
// "kvconform-explore-script/1"), the program's steps plus the settings it
// ran with and the failure it showed. Keys and values are JSON strings
// when they are valid UTF-8 and {"hex": "..."} otherwise.
#pragma once

#include <optional>
#include <string>

#include "conformance/explore/program.h"
#include "conformance/explore/spec_model.h"
#include "conformance/engine/run_options.h"

namespace kv {

inline constexpr const char* kExploreScriptSchema = "kvconform-explore-script/1";

struct ExploreScript {
  Program program;
  std::string profile = "concurrent";
  std::uint32_t max_frame_bytes = kDefaultMaxFrameLen;
  std::uint64_t seed = 0;
  std::uint64_t program_index = 0;
  std::optional<ExploreFailure> failure;  // What it showed when it was saved.
};

// The script as JSON text (pretty-printed).
std::string script_to_json(const ExploreScript& script);

// Parses a script; on error returns std::nullopt and sets `error`.
std::optional<ExploreScript> script_from_json(const std::string& text, std::string& error);

// Reads and parses the file at `path`.
std::optional<ExploreScript> load_script(const std::string& path, std::string& error);

}  // namespace kv
