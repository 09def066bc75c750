// Runs one of the engine's coroutines to its end on a fresh io_context.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace kv::cli {

// The coroutine's result, or kExitUsage (after printing the error) if it
// ended with an exception.
int run_async(boost::asio::awaitable<int> task);

}  // namespace kv::cli
