// What the open connections of one server hold, in one place that every
// thread of the server shares: the memory budget (SPEC 12.2) and the
// connection slots (SPEC 12.3).
//
// Each connection owns an Entry, obtained from admit() when it is accepted
// and dropped when it closes. Through it the connection reports the bytes
// it holds and whether it is waiting for a request to complete, and learns
// whether it must pause (the server is over its budget) or close (another
// thread chose it to free memory or a slot). The registry never touches a
// connection itself: a connection acts on eviction() the next time its
// owner calls it, at the latest on the next tick.
//
// Thread-safety: the registry's functions may be called from any thread;
// an Entry is used by the one thread that owns its connection.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>

#include "servers/server_log.h"

namespace kv {

// A connection may always hold this many bytes, budget or not, so that
// small requests are served however much memory others hold.
inline constexpr std::size_t kBudgetFloorBytes = std::size_t{64} * 1024;

enum class Eviction : std::uint8_t {
  kNone,
  kForBudget,  // Close: its unfinished input holds the most memory (SPEC 12.2).
  kForSlot,    // Close: a new connection needs its slot (SPEC 12.3).
};

struct RegistryLimits {
  // The budget for all connections' buffers and messages together.
  std::size_t max_buffered_bytes = std::size_t{512} * 1024 * 1024;
  // The most connections served at once.
  std::size_t max_connections = 1024;
};

class ConnectionRegistry {
 private:
  struct Node;

 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // `log` records evictions and refusals; it must outlive the registry.
  ConnectionRegistry(RegistryLimits limits, ServerLog& log);
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  // One connection's place in the registry. Move-only; an empty Entry
  // (default-constructed, or a refused admit()) stands for no connection.
  class Entry {
   public:
    Entry() = default;
    Entry(Entry&& other) noexcept;
    Entry& operator=(Entry&& other) noexcept;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    // Leaves the registry, returning the connection's bytes to the budget.
    ~Entry();

    explicit operator bool() const { return node_ != nullptr; }

    // Reports what the connection holds now: `held` bytes of storage in
    // all, of which `unfinished` hold input not yet answered (the input
    // buffer's capacity while it is not empty): what evicting it frees.
    void report_holdings(std::size_t held, std::size_t unfinished);
    // Reports that the connection has no response pending and has not
    // completed a request since `since` (an idle connection, or one whose
    // frame is still arriving): it may be evicted for a slot.
    void report_waiting_since(TimePoint since);
    // Reports that responses are pending, or the connection is closing: it
    // is not evicted for a slot.
    void report_busy();

    // True while the server is over its budget and this connection holds
    // more than kBudgetFloorBytes: it must not read or decode meanwhile.
    bool must_pause() const;
    // Counts `bytes` the connection is about to allocate (a response) in the
    // total, if they fit in the budget, or if they exceed the whole budget
    // (such a response could never wait its way in). The next
    // report_holdings() replaces the reservation by what the connection
    // then holds. Otherwise counts nothing, asks the connections whose
    // unanswered input holds the most to close until the bytes would fit
    // (so that waiting cannot deadlock), and returns false.
    bool try_reserve(std::size_t bytes);
    // What another thread asked this connection to do.
    Eviction eviction() const;
    // Call once the connection has acted on eviction() (discarded its input).
    void eviction_done();
    // Logs that an allocation for this connection failed.
    void note_out_of_memory();

   private:
    friend class ConnectionRegistry;
    using NodeList = std::list<Node>;
    Entry(ConnectionRegistry* registry, NodeList::iterator node)
        : registry_(registry), node_(&*node), position_(node) {}
    void release();

    ConnectionRegistry* registry_ = nullptr;
    Node* node_ = nullptr;
    NodeList::iterator position_;
    // The last holdings reported, kept by the owning thread.
    std::size_t held_ = 0;
    bool large_unfinished_ = false;
    bool eviction_done_ = false;
  };

  // Registers a new connection. When max_connections are open, first frees
  // a slot: the connection that has waited longest without completing a
  // request (and has no response pending) is asked to close. If there is
  // no such connection, or no memory for the entry, returns an empty Entry
  // and logs the refusal; the caller then closes the new connection.
  Entry admit(TimePoint now) noexcept;

  // The bytes all connections hold, as last reported.
  std::size_t buffered_bytes() const { return total_.load(std::memory_order_relaxed); }
  bool over_budget() const { return buffered_bytes() > limits_.max_buffered_bytes; }
  // Connections registered, including those asked to close.
  std::size_t open_connections() const;
  // True while some connection was asked to close and has not acted on it
  // yet: a single-threaded loop then gives its connections their tick at
  // once rather than at the next tick.
  bool evictions_waiting() const { return unacted_evictions_.load(std::memory_order_acquire) > 0; }
  // Call once per tick, from any thread: writes the log line that may be
  // due, and after a burst returns the memory freed since to the system
  // (at most once a second, once the total has fallen well below its peak).
  void on_tick(TimePoint now);
  const RegistryLimits& limits() const { return limits_; }
  ServerLog& log() { return log_; }

 private:
  struct Node {
    // Bytes of storage holding input not yet answered.
    std::atomic<std::size_t> unfinished{0};
    // Clock ticks since which the connection has waited for a request;
    // kBusy while it may not be evicted for a slot.
    std::atomic<Clock::rep> waiting_since;
    std::atomic<Eviction> eviction{Eviction::kNone};
    // For kForBudget: the unfinished bytes it held when chosen. Written
    // before `eviction`, read after it.
    std::size_t evicted_bytes = 0;
  };
  static constexpr Clock::rep kBusy = INT64_MAX;

  // Asks connections to close, the most unfinished input (at least the
  // floor) first, until the input they will discard brings the total plus
  // `demand` under the budget, counting the evictions not yet acted on.
  void evict_for_budget(std::size_t demand);
  // The total minus what the evictions not yet acted on will free.
  std::size_t projected_bytes() const;
  void leave(std::list<Node>::iterator node, bool eviction_unacted);
  // Counts an eviction as acted on.
  void acted_on(const Node& node);
  void raise_high_water(std::size_t total);

  const RegistryLimits limits_;
  ServerLog& log_;
  std::atomic<std::size_t> total_{0};
  // Connections whose unfinished input is at least the floor.
  std::atomic<std::size_t> large_unfinished_{0};
  // The unfinished bytes of the budget evictions not yet acted on.
  std::atomic<std::size_t> pending_eviction_bytes_{0};
  // Evictions asked for and not yet acted on.
  std::atomic<std::size_t> unacted_evictions_{0};
  // The highest total since memory was last returned to the system.
  std::atomic<std::size_t> high_water_{0};
  std::atomic<Clock::rep> next_trim_{0};
  mutable std::mutex mutex_;
  std::list<Node> nodes_;                   // Guarded by mutex_.
  std::size_t slot_evictions_pending_ = 0;  // Guarded by mutex_.
};

}  // namespace kv
