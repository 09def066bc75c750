#include "conformance/wire/wire_log.h"

#include <fmt/format.h>

#include <algorithm>

namespace kv {

std::string_view wire_direction_name(WireDirection direction) {
  switch (direction) {
    case WireDirection::kSend:
      return "send";
    case WireDirection::kRecv:
      return "recv";
    case WireDirection::kClose:
      return "close";
    case WireDirection::kInfo:
      return "info";
  }
  return "?";
}

WireLog::WireLog() : start_(std::chrono::steady_clock::now()) {}

double WireLog::elapsed_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
      .count();
}

void WireLog::add(WireEntry entry) {
  if (head_.size() < kHeadEntries) {
    head_.push_back(std::move(entry));
    return;
  }
  if (tail_.size() < kTailEntries) {
    tail_.push_back(std::move(entry));
    return;
  }
  // The ring is full: its oldest entry is dropped.
  if (dropped_++ == 0) first_dropped_ms_ = tail_[tail_next_].t_ms;
  tail_[tail_next_] = std::move(entry);
  tail_next_ = (tail_next_ + 1) % kTailEntries;
}

static WireEntry bytes_entry(double t_ms, int conn, WireDirection dir,
                             std::span<const std::uint8_t> bytes) {
  WireEntry entry{t_ms, conn, dir, {}, bytes.size(), {}};
  const std::size_t shown = std::min(bytes.size(), WireLog::kMaxBytesPerEntry);
  entry.bytes.assign(reinterpret_cast<const char*>(bytes.data()), shown);
  if (shown < bytes.size())
    entry.note = fmt::format("{} more bytes not shown", bytes.size() - shown);
  return entry;
}

void WireLog::sent(int conn, std::span<const std::uint8_t> bytes) {
  add(bytes_entry(elapsed_ms(), conn, WireDirection::kSend, bytes));
}

void WireLog::received(int conn, std::span<const std::uint8_t> bytes) {
  add(bytes_entry(elapsed_ms(), conn, WireDirection::kRecv, bytes));
}

void WireLog::closed(int conn, std::string note) {
  add({elapsed_ms(), conn, WireDirection::kClose, {}, 0, std::move(note)});
}

void WireLog::info(int conn, std::string note) {
  add({elapsed_ms(), conn, WireDirection::kInfo, {}, 0, std::move(note)});
}

std::vector<WireEntry> WireLog::entries() const {
  std::vector<WireEntry> out = head_;
  if (dropped_ > 0) {
    const double last_dropped_ms = tail_[tail_next_].t_ms;
    out.push_back({first_dropped_ms_, 0, WireDirection::kInfo, {}, 0,
                   fmt::format("... {} log entries not shown, between {:.3f} ms and {:.3f} ms ...",
                               dropped_, first_dropped_ms_, last_dropped_ms)});
  }
  for (std::size_t i = 0; i < tail_.size(); ++i) {
    out.push_back(tail_[(tail_next_ + i) % tail_.size()]);
  }
  return out;
}

std::string wire_entry_head(const WireEntry& entry) {
  const std::string conn =
      entry.conn > 0 ? fmt::format("conn {}", entry.conn) : std::string("case");
  std::string head =
      fmt::format("{:>9.3f} ms  {:<7} {:<5}", entry.t_ms, conn, wire_direction_name(entry.dir));
  const bool has_bytes = entry.dir == WireDirection::kSend || entry.dir == WireDirection::kRecv;
  if (has_bytes) head += fmt::format(" {} bytes", entry.size);
  if (!entry.note.empty()) head += has_bytes ? " (" + entry.note + ")" : "  " + entry.note;
  return head;
}

std::string hex_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("{:02x}", static_cast<unsigned char>(bytes[i]));
  }
  return out;
}

std::vector<std::string> hex_dump_lines(std::string_view bytes) {
  std::vector<std::string> lines;
  for (std::size_t row = 0; row < bytes.size(); row += 16) {
    const std::string_view chunk = bytes.substr(row, 16);
    std::string ascii;
    for (const char c : chunk) ascii += (c >= 0x20 && c < 0x7f) ? c : '.';
    lines.push_back(fmt::format("{:06x}  {:<47}  |{}|", row, hex_bytes(chunk), ascii));
  }
  return lines;
}

std::string format_wire_log(const std::vector<WireEntry>& entries) {
  std::string out;
  for (const WireEntry& e : entries) {
    out += "  " + wire_entry_head(e) + '\n';
    for (const std::string& line : hex_dump_lines(e.bytes))
      out += "                 " + line + '\n';
  }
  return out;
}

}  // namespace kv
