// io-uring: completion-based I/O on one thread and one io_uring (liburing).
// Accepts, reads and writes are submitted to the ring (a completed accept
// also takes the rest of a burst from the non-blocking listener at once);
// the loop submits what the connections want and waits for completions (or
// the tick) in one system call, io_uring_submit_and_wait_timeout, and each completion drives
// the shared CompletionSession (and through it the Connection).
//
// Reads use a ring of provided buffers (kBufferCount of kBufferBytes,
// 8 MiB in all, shared by every connection): the kernel picks a buffer
// when data arrives, the loop appends its bytes to the connection's input
// and hands it back at once. So a read in flight holds no memory of its
// connection, and 1,000 idle connections cost no read buffers, where a
// proactor without provided buffers (asio) pays one per connection.
// Writes send the connection's pending output in place (it stays unchanged
// while in flight, see completion_session.h).
//
// Closing a connection with operations in flight cancels them first; its
// memory and socket are released once their completions have arrived, since
// until then the kernel may still use them. A shortage of descriptors on
// accept falls back on the shared Acceptor, which sheds the waiting
// connection with its spare descriptor like every other model.
//
// On SIGTERM the loop cancels the accept and every operation, collects the
// completions, closes the listener and drains the connections with the
// readiness models' non-blocking rounds (drain_connections).
#include "servers/server.h"

#if defined(KV_HAVE_LIBURING)
#include <liburing.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <vector>

#include "net/socket_options.h"
#include "net/unique_fd.h"
#include "servers/acceptor.h"
#include "servers/completion_session.h"
#include "servers/nonblocking_session.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

constexpr unsigned kRingEntries = 1024;
constexpr unsigned kBufferCount = 128;  // A power of two, as buffer rings require.
constexpr std::size_t kBufferBytes = std::size_t{64} * 1024;
constexpr unsigned short kBufferGroup = 0;

// user_data: a connection's slot index times four plus the operation, or
// one of the two values below.
enum Operation : std::uint64_t { kRead = 0, kWrite = 1 };
constexpr std::uint64_t kAcceptData = ~std::uint64_t{0};
constexpr std::uint64_t kIgnoredData = ~std::uint64_t{0} - 1;  // Cancellations.

std::uint64_t user_data(std::size_t slot, Operation operation) {
  return (std::uint64_t{slot} << 2U) | operation;
}

std::error_code from_negative_errno(int result) {
  return {-result, std::generic_category()};
}

// The ring of provided buffers and the memory behind it.
class BufferRing {
 public:
  ~BufferRing() { std::free(ring_); }

  std::error_code setup(io_uring& ring) {
    if (posix_memalign(&ring_, 4096, kBufferCount * sizeof(io_uring_buf)) != 0) {
      ring_ = nullptr;
      return std::make_error_code(std::errc::not_enough_memory);
    }
    // Not value-initialised: pages are touched only once data lands in them.
    memory_.reset(new (std::nothrow) std::uint8_t[kBufferCount * kBufferBytes]);
    if (!memory_) return std::make_error_code(std::errc::not_enough_memory);
    auto* buffers = static_cast<io_uring_buf_ring*>(ring_);
    io_uring_buf_ring_init(buffers);
    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uintptr_t>(ring_);
    registration.ring_entries = kBufferCount;
    registration.bgid = kBufferGroup;
    if (const int status = io_uring_register_buf_ring(&ring, &registration, 0); status < 0) {
      return from_negative_errno(status);
    }
    for (unsigned id = 0; id < kBufferCount; ++id) give_back(id);
    return {};
  }

  std::span<const std::uint8_t> bytes(unsigned id, std::size_t length) const {
    return {memory_.get() + std::size_t{id} * kBufferBytes, length};
  }

  // Returns buffer `id` to the kernel.
  void give_back(unsigned id) {
    auto* buffers = static_cast<io_uring_buf_ring*>(ring_);
    io_uring_buf_ring_add(buffers, memory_.get() + std::size_t{id} * kBufferBytes, kBufferBytes,
                          static_cast<unsigned short>(id), io_uring_buf_ring_mask(kBufferCount), 0);
    io_uring_buf_ring_advance(buffers, 1);
  }

 private:
  void* ring_ = nullptr;
  std::unique_ptr<std::uint8_t[]> memory_;
};

class UringServer {
 public:
  explicit UringServer(const ServerContext& context)
      : context_(context), acceptor_(context.listener.get(), context.registry.log()) {}

  ~UringServer() {
    // The kernel stops using every buffer and socket before they are freed.
    if (ring_ready_) io_uring_queue_exit(&ring_);
  }

  std::error_code run() {
    io_uring_params params{};
    if (const int status = io_uring_queue_init_params(kRingEntries, &ring_, &params); status < 0) {
      return from_negative_errno(status);
    }
    ring_ready_ = true;
    if (auto error = buffers_.setup(ring_)) return error;
    slots_.reserve(context_.options.max_connections);
    arm_accept();
    SweepTicker sweep(Clock::now());
    for (;;) {
      const ShutdownPhase phase = context_.shutdown.phase(Clock::now());
      if (phase == ShutdownPhase::kStopping) return {};
      if (phase == ShutdownPhase::kDraining) return drain();
      if (auto error = submit_and_reap()) return error;
      // An eviction is acted on at once, not a tick later (SPEC 12.2, 12.3).
      const Clock::time_point now = Clock::now();
      if (sweep.due(now) || context_.registry.evictions_waiting()) sweep_connections(now);
    }
  }

 private:
  struct Slot {
    net::UniqueFd socket;
    std::unique_ptr<CompletionSession> session;
    bool closing = false;
    // The slot is in dirty_.
    bool dirty = false;
  };

  // A submission queue entry; submits what is queued when the queue is
  // full. nullptr if even that leaves none free.
  io_uring_sqe* next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe != nullptr) return sqe;
    io_uring_submit(&ring_);
    return io_uring_get_sqe(&ring_);
  }

  void arm_accept() {
    io_uring_sqe* sqe = next_sqe();
    if (sqe == nullptr) return;  // Re-armed by the next tick.
    io_uring_prep_accept(sqe, context_.listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, kAcceptData);
    accept_in_flight_ = true;
  }

  // Submits what the dirty connections want, waits for one completion or
  // the tick, and handles every completion that has arrived.
  std::error_code submit_and_reap() {
    advance_dirty();
    if (!accept_in_flight_ && !draining_) arm_accept();
    __kernel_timespec timeout{};
    timeout.tv_nsec = std::chrono::nanoseconds(kSweepTick).count();
    io_uring_cqe* cqe = nullptr;
    const int status = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &timeout, nullptr);
    if (status < 0 && status != -ETIME && status != -EINTR && status != -EBUSY) {
      return from_negative_errno(status);
    }
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      handle(*cqe);
      ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    return {};
  }

  void handle(const io_uring_cqe& cqe) {
    const std::uint64_t data = cqe.user_data;
    if (data == kIgnoredData) return;
    if (data == kAcceptData) {
      accept_in_flight_ = false;
      on_accepted(cqe.res);
      return;
    }
    const std::size_t index = data >> 2U;
    Slot& slot = slots_[index];
    CompletionSession& session = *slot.session;
    const Clock::time_point now = Clock::now();
    if ((data & 3U) == kRead) {
      if ((cqe.flags & IORING_CQE_F_BUFFER) != 0U) {
        const unsigned id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
        if (cqe.res > 0)
          session.on_read(buffers_.bytes(id, static_cast<std::size_t>(cqe.res)), now);
        buffers_.give_back(id);
      }
      if (cqe.res == 0) {
        session.on_read_eof(now);
      } else if (cqe.res == -ECANCELED || cqe.res == -ENOBUFS || cqe.res == -EINTR ||
                 cqe.res == -EAGAIN) {
        session.on_read_ended();
      } else if (cqe.res < 0) {
        session.on_read_failed();
      }
    } else if (cqe.res >= 0) {
      session.on_written(static_cast<std::size_t>(cqe.res), now);
    } else if (cqe.res == -ECANCELED || cqe.res == -EINTR || cqe.res == -EAGAIN) {
      session.on_written(0, now);
    } else {
      session.on_write_failed();
    }
    mark_dirty(index);
  }

  void on_accepted(int result) {
    if (result >= 0) {
      net::UniqueFd socket(result);
      // Small responses leave at once (SPEC 7.4), as the Acceptor does it.
      if (!net::set_no_delay(socket.get())) open(std::move(socket));
      // The rest of a burst is accepted now, without waiting for one
      // completion per connection: the listener is non-blocking.
      accept_pending(acceptor_, [this](net::UniqueFd more) { open(std::move(more)); });
    } else if (result == -EMFILE || result == -ENFILE) {
      // The shared Acceptor sheds the waiting connection with its spare.
      accept_pending(acceptor_, [this](net::UniqueFd socket) { open(std::move(socket)); });
    } else if (result != -ECANCELED && result != -ECONNABORTED && result != -EINTR &&
               result != -EAGAIN) {
      back_off_after_accept_failure();
    }
  }

  void open(net::UniqueFd socket) {
    ConnectionRegistry::Entry entry = context_.registry.admit(Clock::now());
    if (!entry) return;
    try {
      std::size_t index = 0;
      if (!free_slots_.empty()) {
        index = free_slots_.back();
        free_slots_.pop_back();
      } else {
        index = slots_.size();
        slots_.emplace_back();
      }
      Slot& slot = slots_[index];
      slot.session = std::make_unique<CompletionSession>(context_, std::move(entry), Clock::now());
      slot.socket = std::move(socket);
      slot.closing = false;
      mark_dirty(index);
    } catch (const std::bad_alloc&) {
      context_.registry.log().count(ConnectionEvent::kOutOfMemory, Clock::now());
    }
  }

  void mark_dirty(std::size_t index) {
    Slot& slot = slots_[index];
    if (slot.dirty) return;
    try {
      dirty_.push_back(index);
      slot.dirty = true;
    } catch (const std::bad_alloc&) {
      // Advanced by the next tick instead.
    }
  }

  void advance_dirty() {
    // advance() may mark nothing new, so the list is stable meanwhile.
    for (const std::size_t index : dirty_) {
      slots_[index].dirty = false;
      advance(index);
    }
    dirty_.clear();
  }

  // Acts on the connection's state after a completion or a tick: frees or
  // closes it, or submits the read and the write it wants.
  void advance(std::size_t index) {
    Slot& slot = slots_[index];
    if (!slot.session) return;
    CompletionSession& session = *slot.session;
    if (slot.closing || draining_) {
      if (slot.closing && !session.in_flight()) release(index);
      return;
    }
    const Clock::time_point now = Clock::now();
    session.shut_down_writing_if_asked(slot.socket.get(), now);
    if (session.should_close(now)) {
      close(index);
      return;
    }
    if (session.should_write()) {
      if (io_uring_sqe* sqe = next_sqe()) {
        const std::span<const std::uint8_t> bytes = session.next_write();
        io_uring_prep_send(sqe, slot.socket.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, user_data(index, kWrite));
        session.write_submitted();
      }
    }
    if (session.should_read()) {
      if (io_uring_sqe* sqe = next_sqe()) {
        io_uring_prep_recv(sqe, slot.socket.get(), nullptr, kBufferBytes, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = kBufferGroup;
        io_uring_sqe_set_data64(sqe, user_data(index, kRead));
        session.read_submitted();
      }
    }
  }

  // Cancels what is in flight on the connection; its completions then
  // release it.
  void cancel_in_flight(std::size_t index) {
    Slot& slot = slots_[index];
    const CompletionSession& session = *slot.session;
    for (const auto& [in_flight, operation] : {std::pair{session.read_in_flight(), kRead},
                                               std::pair{session.write_in_flight(), kWrite}}) {
      if (!in_flight) continue;
      io_uring_sqe* sqe = next_sqe();
      if (sqe == nullptr) {
        // No room to ask: ending the socket's streams completes them too.
        ::shutdown(slot.socket.get(), SHUT_RDWR);
        return;
      }
      io_uring_prep_cancel64(sqe, user_data(index, operation), 0);
      io_uring_sqe_set_data64(sqe, kIgnoredData);
    }
  }

  void close(std::size_t index) {
    Slot& slot = slots_[index];
    slot.closing = true;
    if (!slot.session->in_flight()) {
      release(index);
      return;
    }
    cancel_in_flight(index);
  }

  void release(std::size_t index) {
    Slot& slot = slots_[index];
    slot.session.reset();
    slot.socket.reset();
    slot.closing = false;
    try {
      free_slots_.push_back(index);
    } catch (const std::bad_alloc&) {
      // The slot stays unused.
    }
  }

  void sweep_connections(Clock::time_point now) {
    for (std::size_t index = 0; index < slots_.size(); ++index) {
      Slot& slot = slots_[index];
      if (!slot.session || slot.closing) continue;
      slot.session->on_tick(now);
      mark_dirty(index);
    }
    context_.registry.on_tick(now);
  }

  bool anything_in_flight() const {
    if (accept_in_flight_) return true;
    for (const Slot& slot : slots_) {
      if (slot.session && slot.session->in_flight()) return true;
    }
    return false;
  }

  // The drain (SPEC 12.5): cancels the accept and every operation, handles
  // their completions (bytes that arrived meanwhile are answered), closes
  // the listener, then drains the connections without the ring.
  std::error_code drain() {
    draining_ = true;
    if (accept_in_flight_) {
      if (io_uring_sqe* sqe = next_sqe()) {
        io_uring_prep_cancel64(sqe, kAcceptData, 0);
        io_uring_sqe_set_data64(sqe, kIgnoredData);
      }
    }
    for (std::size_t index = 0; index < slots_.size(); ++index) {
      if (slots_[index].session) cancel_in_flight(index);
    }
    while (anything_in_flight()) {
      if (context_.shutdown.phase(Clock::now()) == ShutdownPhase::kStopping) return {};
      if (auto error = submit_and_reap()) return error;
    }
    advance_dirty();
    context_.listener.reset();
    context_.shutdown.consume_wakeups();
    std::vector<DrainingConnection> draining;
    draining.reserve(slots_.size());
    for (Slot& slot : slots_) {
      if (slot.session && !slot.closing) {
        draining.push_back({slot.socket.get(), &slot.session->state()});
      }
    }
    drain_connections(draining, context_.shutdown);
    return {};
  }

  const ServerContext& context_;
  Acceptor acceptor_;
  io_uring ring_{};
  bool ring_ready_ = false;
  BufferRing buffers_;
  std::vector<Slot> slots_;
  std::vector<std::size_t> free_slots_;
  std::vector<std::size_t> dirty_;
  bool accept_in_flight_ = false;
  bool draining_ = false;
};

}  // namespace

std::error_code run_io_uring(const ServerContext& context) {
  try {
    return UringServer(context).run();
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
}

}  // namespace kv

#else  // !KV_HAVE_LIBURING

namespace kv {

std::error_code run_io_uring(const ServerContext& /*context*/) {
  return std::make_error_code(std::errc::function_not_supported);
}

}  // namespace kv

#endif
