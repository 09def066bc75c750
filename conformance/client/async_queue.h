// A queue between coroutines of one io_context: producers push() without
// waiting, one consumer awaits pop() with a timeout. The scripted server
// queues the client's requests with it and the adapter process its result
// lines.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <utility>

namespace kv {

template <typename T>
class AsyncQueue {
 public:
  explicit AsyncQueue(boost::asio::any_io_executor executor) : wakeup_(executor) {
    wakeup_.expires_at(boost::asio::steady_timer::time_point::max());
  }

  void push(T item) {
    items_.push_back(std::move(item));
    wakeup_.cancel();
  }
  // No more items will come: pop() returns std::nullopt once it is empty.
  void close() {
    closed_ = true;
    wakeup_.cancel();
  }
  bool closed() const { return closed_; }
  bool empty() const { return items_.empty(); }

  // The oldest item, waiting at most `timeout` for one. std::nullopt when
  // the timeout passed, or the queue is empty and closed (see closed()).
  boost::asio::awaitable<std::optional<T>> pop(std::chrono::milliseconds timeout) {
    using namespace boost::asio::experimental::awaitable_operators;
    constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    boost::asio::steady_timer deadline(co_await boost::asio::this_coro::executor);
    deadline.expires_after(timeout);
    for (;;) {
      if (!items_.empty()) {
        T item = std::move(items_.front());
        items_.pop_front();
        co_return item;
      }
      if (closed_) co_return std::nullopt;
      wakeup_.expires_at(boost::asio::steady_timer::time_point::max());
      const auto woken = co_await (wakeup_.async_wait(kTuple) || deadline.async_wait(kTuple));
      if (woken.index() == 1) co_return std::nullopt;
    }
  }

 private:
  std::deque<T> items_;
  bool closed_ = false;
  boost::asio::steady_timer wakeup_;
};

}  // namespace kv
