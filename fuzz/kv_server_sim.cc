#include "fuzz/kv_server_sim.h"

#include <algorithm>
#include <cstring>

namespace kv {

KvServerSim::KvServerSim(std::uint32_t max_frame_len) {
  options_.max_frame_len = max_frame_len;
  options_.idle_timeout = std::chrono::milliseconds(0);
}

KvServerSim::Open* KvServerSim::find(int conn) {
  const auto it = open_.find(conn);
  return it == open_.end() ? nullptr : &it->second;
}

int KvServerSim::accept(TimePoint now) {
  const int conn = next_++;
  open_[conn].state = std::make_unique<Connection>(handler_, options_, now);
  return conn;
}

std::size_t KvServerSim::read(int conn, std::span<const std::uint8_t> bytes, TimePoint now) {
  Open* open = find(conn);
  if (open == nullptr || bytes.empty() || !open->state->wants_read()) return 0;
  Buffer& input = open->state->input();
  input.ensure_writable(bytes.size());
  std::memcpy(input.write_ptr(), bytes.data(), bytes.size());
  input.commit(bytes.size());
  open->state->on_input(now);
  settle(*open, now);
  return bytes.size();
}

bool KvServerSim::read_eof(int conn, TimePoint now) {
  Open* open = find(conn);
  if (open == nullptr) return true;
  if (!open->state->wants_read()) return false;
  open->state->on_eof(now);
  settle(*open, now);
  return true;
}

std::string KvServerSim::write(int conn, std::size_t max, TimePoint now) {
  Open* open = find(conn);
  if (open == nullptr) return {};
  const std::span<const std::uint8_t> pending = open->state->pending_output();
  const std::size_t n = std::min(max, pending.size());
  std::string out(reinterpret_cast<const char*>(pending.data()), n);
  if (n > 0) open->state->on_output_written(n, now);
  settle(*open, now);
  return out;
}

void KvServerSim::settle(Open& open, TimePoint now) {
  if (!open.write_shut && open.state->wants_write_shutdown()) {
    open.state->on_write_shutdown(now);
    open.write_shut = true;
  }
}

bool KvServerSim::ended(int conn, TimePoint now) {
  Open* open = find(conn);
  if (open == nullptr) return true;
  settle(*open, now);
  return (open->write_shut && !open->state->wants_write()) || open->state->should_close(now);
}

std::size_t KvServerSim::unsent(int conn) const {
  const auto it = open_.find(conn);
  return it == open_.end() ? 0 : it->second.state->pending_output_bytes();
}

void KvServerSim::reset(int conn) { open_.erase(conn); }

void KvServerSim::tick(TimePoint now) {
  for (auto& [conn, open] : open_) {
    open.state->on_tick(now);
    settle(open, now);
  }
}

}  // namespace kv
