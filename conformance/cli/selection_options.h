// The options that choose the cases of a suite (server or client) and how
// their failures count: --cases, --exclude, --known-failing.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace kv::cli {

void add_selection_options(CLI::App& app, std::vector<std::string>& cases,
                           std::vector<std::string>& exclude, std::string& known_failing);

}  // namespace kv::cli
