#include "servers/connection_registry.h"

#include <new>
#include <utility>

#include "servers/memory_release.h"

namespace kv {

ConnectionRegistry::ConnectionRegistry(RegistryLimits limits, ServerLog& log)
    : limits_(limits), log_(log) {}

ConnectionRegistry::Entry ConnectionRegistry::admit(TimePoint now) noexcept {
  const std::lock_guard lock(mutex_);
  // Allocated before any victim is chosen, so that a failure changes nothing.
  std::list<Node> added;
  try {
    added.emplace_back();
  } catch (const std::bad_alloc&) {
    log_.count(ConnectionEvent::kOutOfMemory, now);
    return {};
  }
  if (nodes_.size() - slot_evictions_pending_ >= limits_.max_connections) {
    // The connection waiting longest for a request to complete makes room.
    Node* oldest = nullptr;
    Clock::rep oldest_since = kBusy;
    for (Node& node : nodes_) {
      const Clock::rep since = node.waiting_since.load(std::memory_order_relaxed);
      if (since < oldest_since &&
          node.eviction.load(std::memory_order_relaxed) == Eviction::kNone) {
        oldest = &node;
        oldest_since = since;
      }
    }
    if (oldest == nullptr) {
      log_.count(ConnectionEvent::kRefused, now);
      return {};
    }
    oldest->eviction.store(Eviction::kForSlot, std::memory_order_release);
    ++slot_evictions_pending_;
    unacted_evictions_.fetch_add(1, std::memory_order_acq_rel);
    log_.count(ConnectionEvent::kEvictedForSlot, now);
  }
  nodes_.splice(nodes_.end(), added);
  const auto node = std::prev(nodes_.end());
  node->waiting_since.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  return Entry(this, node);
}

void ConnectionRegistry::raise_high_water(std::size_t total) {
  std::size_t seen = high_water_.load(std::memory_order_relaxed);
  while (total > seen &&
         !high_water_.compare_exchange_weak(seen, total, std::memory_order_relaxed)) {
  }
}

void ConnectionRegistry::on_tick(TimePoint now) {
  log_.flush_if_due(now);
  // Worth a trim: the connections gave back at least this much since the peak.
  constexpr std::size_t kTrimAfterBytes = std::size_t{32} * 1024 * 1024;
  const std::size_t total = buffered_bytes();
  if (high_water_.load(std::memory_order_relaxed) < total + kTrimAfterBytes) return;
  const Clock::rep due = next_trim_.load(std::memory_order_relaxed);
  const Clock::rep next = (now + std::chrono::seconds(1)).time_since_epoch().count();
  if (now.time_since_epoch().count() < due) return;
  // One thread wins the trim; the others carry on.
  Clock::rep expected = due;
  if (!next_trim_.compare_exchange_strong(expected, next, std::memory_order_relaxed)) return;
  high_water_.store(total, std::memory_order_relaxed);
  return_free_memory();
}

std::size_t ConnectionRegistry::open_connections() const {
  const std::lock_guard lock(mutex_);
  return nodes_.size();
}

std::size_t ConnectionRegistry::projected_bytes() const {
  const std::size_t total = buffered_bytes();
  const std::size_t pending = pending_eviction_bytes_.load(std::memory_order_acquire);
  return total > pending ? total - pending : 0;
}

void ConnectionRegistry::evict_for_budget(std::size_t demand) {
  const std::lock_guard lock(mutex_);
  // Each round picks the largest remaining candidate; a bounded number of
  // rounds per call keeps the lock short, and the next report goes on.
  constexpr int kMaxEvictionsPerCall = 64;
  for (int round = 0;
       round < kMaxEvictionsPerCall && projected_bytes() + demand > limits_.max_buffered_bytes;
       ++round) {
    Node* largest = nullptr;
    std::size_t largest_bytes = kBudgetFloorBytes - 1;
    for (Node& node : nodes_) {
      const std::size_t bytes = node.unfinished.load(std::memory_order_relaxed);
      if (bytes > largest_bytes &&
          node.eviction.load(std::memory_order_relaxed) == Eviction::kNone) {
        largest = &node;
        largest_bytes = bytes;
      }
    }
    if (largest == nullptr) return;
    largest->evicted_bytes = largest_bytes;
    pending_eviction_bytes_.fetch_add(largest_bytes, std::memory_order_acq_rel);
    unacted_evictions_.fetch_add(1, std::memory_order_acq_rel);
    largest->eviction.store(Eviction::kForBudget, std::memory_order_release);
    log_.count(ConnectionEvent::kClosedForBudget, Clock::now());
  }
}

void ConnectionRegistry::acted_on(const Node& node) {
  if (node.eviction.load(std::memory_order_acquire) == Eviction::kForBudget) {
    pending_eviction_bytes_.fetch_sub(node.evicted_bytes, std::memory_order_acq_rel);
  }
  unacted_evictions_.fetch_sub(1, std::memory_order_acq_rel);
}

void ConnectionRegistry::leave(std::list<Node>::iterator node, bool eviction_unacted) {
  if (eviction_unacted) acted_on(*node);
  const std::lock_guard lock(mutex_);
  if (node->eviction.load(std::memory_order_relaxed) == Eviction::kForSlot)
    --slot_evictions_pending_;
  nodes_.erase(node);
}

ConnectionRegistry::Entry::Entry(Entry&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)),
      node_(std::exchange(other.node_, nullptr)),
      position_(other.position_),
      held_(std::exchange(other.held_, 0)),
      large_unfinished_(std::exchange(other.large_unfinished_, false)),
      eviction_done_(std::exchange(other.eviction_done_, false)) {}

ConnectionRegistry::Entry& ConnectionRegistry::Entry::operator=(Entry&& other) noexcept {
  if (this != &other) {
    release();
    registry_ = std::exchange(other.registry_, nullptr);
    node_ = std::exchange(other.node_, nullptr);
    position_ = other.position_;
    held_ = std::exchange(other.held_, 0);
    large_unfinished_ = std::exchange(other.large_unfinished_, false);
    eviction_done_ = std::exchange(other.eviction_done_, false);
  }
  return *this;
}

ConnectionRegistry::Entry::~Entry() {
  release();
}

void ConnectionRegistry::Entry::release() {
  if (node_ == nullptr) return;
  report_holdings(0, 0);
  registry_->leave(position_, eviction() != Eviction::kNone && !eviction_done_);
  node_ = nullptr;
  registry_ = nullptr;
}

void ConnectionRegistry::Entry::report_holdings(std::size_t held, std::size_t unfinished) {
  if (node_ == nullptr) return;
  if (held > held_) {
    const std::size_t added = held - held_;
    registry_->raise_high_water(registry_->total_.fetch_add(added, std::memory_order_relaxed) +
                                added);
  } else if (held < held_) {
    registry_->total_.fetch_sub(held_ - held, std::memory_order_relaxed);
  }
  held_ = held;
  node_->unfinished.store(unfinished, std::memory_order_relaxed);
  const bool large = unfinished >= kBudgetFloorBytes;
  if (large != large_unfinished_) {
    large_unfinished_ = large;
    if (large) {
      registry_->large_unfinished_.fetch_add(1, std::memory_order_relaxed);
    } else {
      registry_->large_unfinished_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  if (registry_->over_budget() &&
      registry_->large_unfinished_.load(std::memory_order_relaxed) > 0 &&
      registry_->projected_bytes() > registry_->limits_.max_buffered_bytes) {
    registry_->evict_for_budget(0);
  }
}

void ConnectionRegistry::Entry::report_waiting_since(TimePoint since) {
  if (node_ != nullptr) {
    node_->waiting_since.store(since.time_since_epoch().count(), std::memory_order_relaxed);
  }
}

void ConnectionRegistry::Entry::report_busy() {
  if (node_ != nullptr) node_->waiting_since.store(kBusy, std::memory_order_relaxed);
}

bool ConnectionRegistry::Entry::try_reserve(std::size_t bytes) {
  if (node_ == nullptr) return true;
  const std::size_t budget = registry_->limits_.max_buffered_bytes;
  std::size_t total = registry_->buffered_bytes();
  for (;;) {
    if (total + bytes > budget && bytes <= budget) {
      if (registry_->large_unfinished_.load(std::memory_order_relaxed) > 0) {
        registry_->evict_for_budget(bytes);
      }
      return false;
    }
    if (registry_->total_.compare_exchange_weak(total, total + bytes, std::memory_order_relaxed)) {
      break;
    }
  }
  held_ += bytes;
  registry_->raise_high_water(total + bytes);
  return true;
}

bool ConnectionRegistry::Entry::must_pause() const {
  return node_ != nullptr && held_ > kBudgetFloorBytes && registry_->over_budget();
}

Eviction ConnectionRegistry::Entry::eviction() const {
  if (node_ == nullptr) return Eviction::kNone;
  return node_->eviction.load(std::memory_order_acquire);
}

void ConnectionRegistry::Entry::eviction_done() {
  if (node_ == nullptr || eviction_done_ || eviction() == Eviction::kNone) return;
  eviction_done_ = true;
  registry_->acted_on(*node_);
}

void ConnectionRegistry::Entry::note_out_of_memory() {
  if (registry_ != nullptr) registry_->log_.count(ConnectionEvent::kOutOfMemory, Clock::now());
}

}  // namespace kv
