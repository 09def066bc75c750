// The byte-level log of one case: every chunk sent and received, every
// close, per connection, with the time relative to the case's start.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

enum class WireDirection { kSend, kRecv, kClose, kInfo };
std::string_view wire_direction_name(WireDirection direction);

struct WireEntry {
  double t_ms = 0;
  int conn = 0;  // 0 for entries about the case as a whole.
  WireDirection dir = WireDirection::kInfo;
  std::string bytes;     // The first bytes of the chunk (maybe cut).
  std::size_t size = 0;  // The chunk's full size.
  std::string note;
};

// A case's wire log. Entries and bytes per entry are capped so that cases
// moving megabytes keep a readable log: the first kHeadEntries and the
// last kTailEntries entries are kept (a failure is usually at the end), and
// the cut between them is stated in the log.
class WireLog {
 public:
  static constexpr std::size_t kHeadEntries = 200;
  static constexpr std::size_t kTailEntries = 200;
  static constexpr std::size_t kMaxBytesPerEntry = 256;

  WireLog();

  void sent(int conn, std::span<const std::uint8_t> bytes);
  void received(int conn, std::span<const std::uint8_t> bytes);
  void closed(int conn, std::string note);
  void info(int conn, std::string note);

  double elapsed_ms() const;
  // The entries in order, with a note where entries were left out.
  std::vector<WireEntry> entries() const;

 private:
  void add(WireEntry entry);

  std::chrono::steady_clock::time_point start_;
  std::vector<WireEntry> head_;
  // The last entries, a ring of kTailEntries once full; tail_next_ is the
  // oldest.
  std::vector<WireEntry> tail_;
  std::size_t tail_next_ = 0;
  std::size_t dropped_ = 0;
  double first_dropped_ms_ = 0;
};

// An entry's head line, without its hex dump:
// "    0.260 ms  conn 1  send  4 bytes (note)" or "... close  note".
std::string wire_entry_head(const WireEntry& entry);

// Hex pairs separated by spaces: "0d 00 00 00".
std::string hex_bytes(std::string_view bytes);
// A classic hex dump: offset, 16 hex pairs, ASCII column; one line each.
std::vector<std::string> hex_dump_lines(std::string_view bytes);
// One line per entry, with hex dumps, as the console shows a failure.
std::string format_wire_log(const std::vector<WireEntry>& entries);

}  // namespace kv
