#include "servers/connection_inbox.h"

#include <new>

namespace kv {

bool ConnectionInbox::push(net::UniqueFd socket) {
  {
    const std::lock_guard lock(mutex_);
    if (closed_) return false;
    try {
      queue_.push_back(std::move(socket));
    } catch (const std::bad_alloc&) {
      return false;
    }
  }
  wake_.notify();
  return true;
}

void ConnectionInbox::take_all(std::vector<net::UniqueFd>& into) {
  wake_.drain();
  const std::lock_guard lock(mutex_);
  for (net::UniqueFd& socket : queue_) {
    try {
      into.push_back(std::move(socket));
    } catch (const std::bad_alloc&) {
      break;  // The rest are closed by the clear() below.
    }
  }
  queue_.clear();
}

void ConnectionInbox::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
}

bool ConnectionInbox::closed() const {
  const std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace kv
