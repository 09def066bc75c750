#include "conformance/engine/run_guard.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

asio::awaitable<GuardedVerdict> run_guarded(std::function<asio::awaitable<Verdict>()> check,
                                            std::chrono::milliseconds deadline,
                                            RunControl& control) {
  GuardedVerdict out;
  asio::steady_timer stop(co_await asio::this_coro::executor);
  stop.expires_after(deadline);
  RunningCheck running{&stop, {}};
  control.add_running(&running, running);
  try {
    auto outcome = co_await (check() || stop.async_wait(asio::as_tuple(asio::use_awaitable)));
    control.remove_running(&running);
    if (outcome.index() == 0) {
      out.verdict = std::get<0>(std::move(outcome));
    } else if (!running.stopped_because.empty() || control.stopping()) {
      out.stopped_because =
          running.stopped_because.empty() ? control.stop_reason() : running.stopped_because;
      out.verdict = error_verdict(out.stopped_because);
    } else {
      out.verdict = error_verdict(fmt::format("the check exceeded its overall deadline of {:g} s",
                                              static_cast<double>(deadline.count()) / 1000.0));
    }
  } catch (const std::exception& e) {
    control.remove_running(&running);
    out.verdict = error_verdict(std::string("the harness threw: ") + e.what());
  }
  co_return out;
}

}  // namespace kv
