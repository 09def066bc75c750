// Waiting for a child process to exit by itself, with a bound.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/child_process.h"

namespace kv::test {

// Waits up to `timeout` for `child` to exit. Returns its wait status, or
// std::nullopt if it is still running (the caller then stops it).
std::optional<int> wait_for_exit(ChildProcess& child, std::chrono::milliseconds timeout);

// "exit code N" or "killed by signal N", for a wait status.
std::string describe_wait_status(int status);

// True for a wait status of a normal exit with `code`.
bool exited_with(int status, int code);

}  // namespace kv::test
