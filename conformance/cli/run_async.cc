#include "conformance/cli/run_async.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>

#include "conformance/cli/command.h"

namespace kv::cli {

int run_async(boost::asio::awaitable<int> task) {
  boost::asio::io_context io;
  int code = kExitUsage;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, int result) {
    if (!error) {
      code = result;
      return;
    }
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      fmt::print(stderr, "kvconform: internal error: {}\n", e.what());
    }
  });
  io.run();
  return code;
}

}  // namespace kv::cli
