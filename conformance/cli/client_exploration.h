// What `kvconform client --explore` and `kvconform replay` of a client
// script share: running conformance/client/client_explore.h with the
// console and the report files, and the replay line of a client script.
#pragma once

#include <string>

#include "conformance/cli/report_options.h"
#include "conformance/client/client_explore.h"

namespace kv::cli {

// Explores (config.replay empty) or replays config.replay; prints the end
// of the run, writes the report files and returns kvconform's exit code.
int run_client_exploration(ClientExploreConfig config, const ReportFiles& files);

// "kvconform replay --exec 'CMD'" plus --timeout-scale when it is not 1:
// with a client script's file name after it, the line that replays it.
std::string client_replay_prefix(const ClientRunOptions& options);

}  // namespace kv::cli
