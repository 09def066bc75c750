#include "servers/server_log.h"

#include <algorithm>
#include <cstdio>

namespace kv {
namespace {

constexpr std::array<const char*, 5> kEventPhrases = {
    "shed (out of file descriptors)",
    "refused (every slot busy)",
    "evicted for a slot (max-connections full)",
    "closed for the memory budget",
    "closed after an allocation failure",
};

}  // namespace

ServerLog::ServerLog(std::ostream& out, std::chrono::milliseconds interval)
    : out_(out),
      interval_(interval),
      next_line_(Clock::time_point::min().time_since_epoch().count()) {}

void ServerLog::count(ConnectionEvent event, Clock::time_point now) {
  const auto index = static_cast<std::size_t>(event);
  pending_[index].fetch_add(1, std::memory_order_relaxed);
  totals_[index].fetch_add(1, std::memory_order_relaxed);
  any_pending_.store(true, std::memory_order_release);
  flush_if_due(now);
}

void ServerLog::flush_if_due(Clock::time_point now) {
  if (!any_pending_.load(std::memory_order_acquire)) return;
  if (now.time_since_epoch().count() < next_line_.load(std::memory_order_relaxed)) return;
  write_line(now);
}

void ServerLog::flush(Clock::time_point now) {
  if (any_pending_.load(std::memory_order_acquire)) write_line(now);
}

std::uint64_t ServerLog::total(ConnectionEvent event) const {
  return totals_[static_cast<std::size_t>(event)].load(std::memory_order_relaxed);
}

void ServerLog::write_line(Clock::time_point now) {
  const std::lock_guard lock(write_mutex_);
  // Another thread may have written the line while this one waited.
  if (!any_pending_.exchange(false, std::memory_order_acq_rel)) return;
  // Formatted into a fixed buffer: the line may report an allocation
  // failure, so writing it must not allocate.
  std::array<char, 512> line{};
  std::size_t used = 0;
  const auto add = [&](const char* format, auto... values) {
    const int n = std::snprintf(line.data() + used, line.size() - used, format, values...);
    if (n > 0) used = std::min(line.size() - 1, used + static_cast<std::size_t>(n));
  };
  if (last_line_ == Clock::time_point{}) {
    add("%s", "kvserver: connections since start: ");
  } else {
    const double seconds = std::chrono::duration<double>(now - last_line_).count();
    add("kvserver: connections in the last %.1f s: ", seconds);
  }
  bool first = true;
  for (std::size_t i = 0; i < kEventKinds; ++i) {
    const std::uint64_t n = pending_[i].exchange(0, std::memory_order_relaxed);
    if (n == 0) continue;
    add("%s%llu %s", first ? "" : ", ", static_cast<unsigned long long>(n), kEventPhrases[i]);
    first = false;
  }
  add("%s", "\n");
  if (!first) out_.write(line.data(), static_cast<std::streamsize>(used)).flush();
  last_line_ = now;
  next_line_.store((now + interval_).time_since_epoch().count(), std::memory_order_relaxed);
}

}  // namespace kv
