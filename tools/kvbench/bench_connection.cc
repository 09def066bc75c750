#include "tools/kvbench/bench_connection.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kv {
namespace {

// Bytes made writable in the input buffer before each read.
constexpr std::size_t kReadChunk = 16 * 1024;

// splitmix64: spreads a seed over 64 bits, so that neighbouring
// connection ids get unrelated random streams.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

const char* reply_kind_name(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kPutAck:
      return "PUT acknowledgement";
    case ReplyKind::kGetHit:
      return "GET hit";
    case ReplyKind::kGetMiss:
      return "GET miss";
    case ReplyKind::kOther:
      break;
  }
  return "unexpected reply";
}

}  // namespace

BenchConnection::BenchConnection(int fd, std::uint64_t id, const BenchConfig& config,
                                 const RequestTemplates& templates)
    : fd_(fd),
      id_(id),
      config_(config),
      templates_(templates),
      reader_(make_reply_reader(config.protocol)),
      ring_(config.pipeline),
      stamps_(fair_share(config.shape.keyspace, id, config.connections), 0),
      random_state_(mix(config.seed ^ mix(id)) | 1U) {}

BenchConnection::~BenchConnection() {
  close_socket();
}

void BenchConnection::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::uint64_t BenchConnection::next_random() {
  // xorshift64*.
  random_state_ ^= random_state_ >> 12U;
  random_state_ ^= random_state_ << 25U;
  random_state_ ^= random_state_ >> 27U;
  return random_state_ * 0x2545F4914F6CDD1DULL;
}

void BenchConnection::issue(std::uint64_t now_ns) {
  const std::uint64_t weights = config_.put_weight + config_.get_weight;
  const std::uint64_t slot = next_random() % stamps_.size();
  const bool put = next_random() % weights < config_.put_weight;
  Pending& request = ring_[(head_ + in_flight_) % ring_.size()];
  request.key_index = owned_key_index(slot, id_, config_.connections);
  request.sent_ns = now_ns;
  if (put) {
    request.op = Op::kPut;
    stamps_[slot] = next_stamp_++;
    templates_.append_put(request.key_index, stamps_[slot], output_);
  } else {
    request.op = Op::kGet;
    request.expected_stamp = stamps_[slot];
    templates_.append_get(request.key_index, output_);
  }
  ++in_flight_;
}

void BenchConnection::fill_pipeline(std::uint64_t now_ns, IssueBudget& budget, RunStats& stats) {
  while (is_open() && in_flight_ < ring_.size() && budget.try_take()) issue(now_ns);
  flush(stats);
}

std::string BenchConnection::check(const Pending& request, const Reply& reply) const {
  const std::string& key = templates_.key(request.key_index);
  if (request.op == Op::kPut) {
    if (reply.kind == ReplyKind::kPutAck) return {};
    return fmt::format("PUT {} answered with a {}", key, reply_kind_name(reply.kind));
  }
  const ReplyKind expected = request.expected_stamp == 0 ? ReplyKind::kGetMiss : ReplyKind::kGetHit;
  if (reply.kind != expected) {
    // A hit on a key this run never wrote usually means a store left over
    // from another run.
    const char* hint = expected == ReplyKind::kGetMiss && reply.kind == ReplyKind::kGetHit
                           ? " (keys this run never wrote must miss: use a fresh server, or "
                             "disjoint --first-key ranges for runs that share one)"
                           : "";
    return fmt::format("GET {} answered with a {}, expected a {}{}", key,
                       reply_kind_name(reply.kind), reply_kind_name(expected), hint);
  }
  if (reply.has_key && reply.key != key) {
    return fmt::format("GET {} answered for key \"{}\"", key, reply.key);
  }
  if (expected == ReplyKind::kGetHit &&
      !value_has_stamp(reply.value, request.expected_stamp, config_.shape.value_size)) {
    return fmt::format("GET {} returned a value other than the last one written", key);
  }
  return {};
}

void BenchConnection::complete(const Reply& reply, std::uint64_t now_ns, RunStats& stats) {
  const Pending& request = ring_[head_];
  head_ = (head_ + 1) % ring_.size();
  --in_flight_;
  ++stats.responses;
  stats.latency.record(now_ns > request.sent_ns ? now_ns - request.sent_ns : 0);
  if (reply.kind == ReplyKind::kGetHit) ++stats.get_hits;
  if (reply.kind == ReplyKind::kGetMiss) ++stats.get_misses;
  const std::string problem = check(request, reply);
  if (!problem.empty()) stats.add_error(1, fmt::format("connection {}: {}", id_, problem));
}

void BenchConnection::on_readable(std::uint64_t now_ns, IssueBudget& budget, RunStats& stats) {
  Buffer& input = reader_->input();
  input.ensure_writable(kReadChunk);
  const ssize_t n = ::recv(fd_, input.write_ptr(), input.writable_bytes(), 0);
  if (n == 0) {
    if (in_flight_ > 0) fail("the server closed the connection with requests in flight", stats);
    close_socket();
    return;
  }
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    fail(fmt::format("read failed: {}", std::strerror(errno)), stats);
    return;
  }
  input.commit(static_cast<std::size_t>(n));
  Reply reply;
  for (;;) {
    const ReadStatus status = reader_->next(reply);
    if (status == ReadStatus::kNeedMore) break;
    if (status == ReadStatus::kBroken) {
      fail("the response stream could not be parsed", stats);
      return;
    }
    if (in_flight_ == 0) {
      stats.add_error(1, fmt::format("connection {}: a response to no request", id_));
      close_socket();
      return;
    }
    complete(reply, now_ns, stats);
    if (budget.try_take()) issue(now_ns);
  }
  flush(stats);
}

void BenchConnection::on_writable(RunStats& stats) {
  flush(stats);
}

void BenchConnection::flush(RunStats& stats) {
  while (is_open() && !output_.empty()) {
    const ssize_t n = ::send(fd_, output_.peek(), output_.readable_bytes(), MSG_NOSIGNAL);
    if (n > 0) {
      output_.consume(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    fail(fmt::format("write failed: {}", std::strerror(errno)), stats);
  }
}

void BenchConnection::expire(std::uint64_t now_ns, std::uint64_t timeout_ns, RunStats& stats) {
  if (!is_open() || in_flight_ == 0) return;
  if (now_ns - ring_[head_].sent_ns < timeout_ns) return;
  stats.timeouts += in_flight_;
  in_flight_ = 0;
  close_socket();
}

void BenchConnection::fail(const std::string& description, RunStats& stats) {
  stats.add_error(in_flight_, fmt::format("connection {}: {}", id_, description));
  in_flight_ = 0;
  close_socket();
}

}  // namespace kv
