#include "fuzz/sim_driver.h"

#include <fmt/format.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <limits>

#include "codec/frame_format.h"
#include "conformance/explore/body_forms.h"
#include "conformance/explore/stream_oracle.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

using TimePoint = SimServer::TimePoint;

constexpr int kSlots = 4;
// Rounds of the final drain: each lets every connection read, write and
// see time pass; a correct server finishes within a few.
constexpr int kDrainRounds = 64;
constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

// Keys from the edge families of explore's generator: case, whitespace at
// either end, U+0000 inside, two spellings of one word, CR LF, a long
// common prefix, the footer inside, a code point beyond U+FFFF.
std::string pick_key(FuzzedDataProvider& in) {
  static const std::string kLong(300, 'p');
  switch (in.ConsumeIntegralInRange<int>(0, 15)) {
    case 0:
      return "";
    case 1:
      return "k";
    case 2:
      return "K";
    case 3:
      return "k ";
    case 4:
      return " k";
    case 5:
      return std::string("a\0b", 3);
    case 6:
      return std::string("a\0c", 3);
    case 7:
      return "\xc3\xa9t\xc3\xa9";
    case 8:
      return "e\xcc\x81t\xc3\xa9";
    case 9:
      return "a\r\nb";
    case 10:
      return "a\nb";
    case 11:
      return kLong + "1";
    case 12:
      return kLong + "2";
    case 13:
      return "k@EOF@";
    case 14:
      return "\xf0\x9f\x98\x80";
    default:
      return in.ConsumeRandomLengthString(12);
  }
}

std::string pick_value(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 9)) {
    case 0:
      return "";
    case 1:
      return "v";
    case 2:
      return "w";
    case 3:
      return "v@EOF@";
    case 4:
      return std::string("v\0x", 3);
    case 5:
      return "x\r\ny";
    case 6:
      return " v ";
    case 7:
      return "\xc3\xa4";
    case 8:
      // Now and then past 64 KiB: a response larger than a socket buffer.
      return std::string(in.ConsumeBool() ? in.ConsumeIntegralInRange<std::size_t>(65000, 70000)
                                          : in.ConsumeIntegralInRange<std::size_t>(0, 3000),
                         'L');
    default:
      return in.ConsumeRandomLengthString(16);
  }
}

Request pick_request(FuzzedDataProvider& in, std::uint32_t max_frame_len) {
  Request r;
  const int kind = in.ConsumeIntegralInRange<int>(0, 9);
  r.form = static_cast<BodyForm>(in.ConsumeIntegralInRange<int>(0, kBodyFormCount - 1));
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) r.status = in.PickValueInArray({1U, 7U});
  switch (kind) {
    case 0:
    case 1:
    case 2:
      r.op = RequestOp::kPut;
      r.key = pick_key(in);
      r.value = pick_value(in);
      break;
    case 3:
    case 4:
      r.op = RequestOp::kGet;
      r.key = pick_key(in);
      if (in.ConsumeBool()) r.value = pick_value(in);
      break;
    case 5:
      r.op = RequestOp::kOtherKind;
      r.kind = in.PickValueInArray({0U, 2U, 4U, 100U, 0xFFFFFFFFU});
      if (in.ConsumeBool()) r.key = pick_key(in);
      break;
    case 6:
      r.op = RequestOp::kSpoiledPut;
      r.key = pick_key(in);
      r.value = pick_value(in);
      r.tail = in.ConsumeIntegralInRange<std::uint32_t>(0, kSpoiledTailCount - 1);
      r.form = BodyForm::kCanonical;
      break;
    case 7:
      r.op = RequestOp::kGarbageBody;
      r.value = in.ConsumeRandomLengthString(8);
      break;
    default:
      r.op = RequestOp::kFramingError;
      r.framing = static_cast<FramingClass>(in.ConsumeIntegralInRange<int>(0, 2));
      r.key = pick_key(in);
      r.value = "bf";
      r.len = r.framing == FramingClass::kLengthTooSmall
                  ? in.ConsumeIntegralInRange<std::uint32_t>(0, 4)
                  : in.ConsumeIntegralInRange<std::uint32_t>(max_frame_len + 1,
                                                             std::numeric_limits<std::uint32_t>::max());
      if (r.framing != FramingClass::kBadFooter) r.value.clear();
      break;
  }
  return r;
}

struct Client {
  int id = 0;           // The oracle's number for it.
  int conn = 0;         // The server's.
  bool live = false;    // Opened, and neither closed by the client nor ended by the server.
  std::string pipe;     // Written by the client, not yet read by the server.
  std::string inbox;    // Written by the server, not yet read by the client.
  bool fin = false;     // The client half-closed after `pipe`.
  bool fin_read = false;
};

class Simulation {
 public:
  Simulation(std::span<const std::uint8_t> data, const SimServerFactory& make)
      : in_(data.data(), data.size()),
        max_frame_len_(in_.PickValueInArray({64U, 300U, 4096U, kDefaultMaxFrameLen})),
        room_(in_.PickValueInArray({std::size_t{16}, std::size_t{4096}, kUnlimited})),
        server_(make(max_frame_len_)),
        // Strict: the kit's servers write canonical responses (SPEC 4.5).
        model_(true, KeySpace::whole_store()),
        oracle_(model_, max_frame_len_) {
    log(fmt::format("server: max LEN {}, socket send buffers of {} bytes", max_frame_len_,
                    room_ == kUnlimited ? std::string("unlimited") : std::to_string(room_)));
  }

  SimResult run() {
    for (step_ = 0; step_ < kMaxOperations && in_.remaining_bytes() > 0 && !failed(); ++step_) {
      oracle_.set_step(step_);
      now_ += std::chrono::milliseconds(1);
      operate();
      flush_all();
    }
    oracle_.set_step(-1);
    step_ = -1;
    if (!failed()) finish();
    return {failure(), std::move(log_)};
  }

 private:
  bool failed() const { return oracle_.failure().has_value() || own_failure_.has_value(); }
  std::optional<ExploreFailure> failure() const {
    return oracle_.failure() ? oracle_.failure() : own_failure_;
  }
  double now_ms() const {
    return std::chrono::duration<double, std::milli>(now_ - TimePoint()).count();
  }
  // A line of the operations' log, numbered like the failures' operations.
  void log(std::string line) {
    log_.push_back(step_ >= 0 ? fmt::format("{:>3}. {}", step_ + 1, line) : "     " + line);
  }

  void operate() {
    const int op = in_.ConsumeIntegralInRange<int>(0, 9);
    Client& c = slots_[static_cast<std::size_t>(in_.ConsumeIntegralInRange<int>(0, kSlots - 1))];
    const int slot = static_cast<int>(&c - slots_.data()) + 1;
    if (op == 0 || !c.live) {
      if (!c.live) open(c, slot);
      if (op == 0) return;
    }
    switch (op) {
      case 1: {
        const std::string bytes = in_.ConsumeRandomLengthString(48);
        log(fmt::format("c{} writes {}", slot, quote_bytes(bytes)));
        write(c, bytes);
        break;
      }
      case 2: {
        std::string bytes;
        const int count = in_.ConsumeIntegralInRange<int>(1, 5);
        std::string what;
        for (int i = 0; i < count; ++i) {
          const Request r = pick_request(in_, max_frame_len_);
          bytes += encode_one(r);
          what += (i ? ", " : "") + describe_request(r);
          if (r.op == RequestOp::kFramingError) break;
        }
        log(fmt::format("c{} writes [{}]", slot, what));
        write(c, bytes);
        break;
      }
      case 3: {
        const std::size_t n = in_.ConsumeIntegralInRange<std::size_t>(1, 8192);
        log(fmt::format("the server reads up to {} bytes of c{}", n, slot));
        server_reads(c, n);
        break;
      }
      case 4: {
        const std::size_t n = in_.ConsumeIntegralInRange<std::size_t>(1, 8192);
        log(fmt::format("c{} reads up to {} bytes", slot, n));
        client_reads(c, n);
        break;
      }
      case 5:
        log(fmt::format("c{} half-closes (FIN)", slot));
        half_close(c);
        break;
      case 6:
      case 7:
        log(fmt::format("c{} {}", slot, op == 6 ? "closes without reading" : "resets (RST)"));
        abandon(c, op == 7);
        break;
      case 8: {
        const int ms = in_.ConsumeIntegralInRange<int>(1, 2000);
        log(fmt::format("{} ms pass", ms));
        now_ += std::chrono::milliseconds(ms);
        server_->tick(now_);
        break;
      }
      default:
        log("every connection: the server reads all it can, the clients read all");
        pump_all();
        break;
    }
  }

  void open(Client& c, int slot) {
    c = Client{};
    c.id = ++opened_;
    c.conn = server_->accept(now_);
    c.live = true;
    oracle_.opened(c.id);
    log(fmt::format("c{} connects (connection {})", slot, c.id));
  }

  void write(Client& c, const std::string& bytes) {
    if (!c.live || c.fin) return;
    c.pipe += bytes;
    oracle_.client_wrote(c.id, {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
                         now_ms());
  }

  void server_reads(Client& c, std::size_t n) {
    if (!c.live) return;
    const std::size_t take = std::min(n, c.pipe.size());
    const std::size_t taken = server_->read(
        c.conn, {reinterpret_cast<const std::uint8_t*>(c.pipe.data()), take}, now_);
    c.pipe.erase(0, taken);
    if (c.pipe.empty() && c.fin && !c.fin_read) c.fin_read = server_->read_eof(c.conn, now_);
  }

  // Moves what the server writes into the client's socket, as far as the
  // send buffer has room, and notices when the server ends a connection.
  void flush(Client& c) {
    if (!c.live) return;
    const std::size_t room = room_ == kUnlimited ? kUnlimited : room_ - std::min(room_, c.inbox.size());
    c.inbox += server_->write(c.conn, room, now_);
    if (!server_->ended(c.conn, now_)) return;
    // A server may close a connection whose client does not read: after a
    // framing error (6.1 gives it a second), answers it could not send
    // are then lost, which is no fault of the server's.
    if (server_->unsent(c.conn) > 0) {
      log(fmt::format("connection {}: the server closes it with {} bytes it could not send", c.id,
                      server_->unsent(c.conn)));
      oracle_.client_abandoned(c.id);
    }
    client_reads(c, kUnlimited);
    oracle_.server_closed(c.id, now_ms());
    server_->reset(c.conn);
    c.live = false;
  }

  void flush_all() {
    for (Client& c : slots_) flush(c);
  }

  void client_reads(Client& c, std::size_t n) {
    const std::size_t take = std::min(n, c.inbox.size());
    if (take == 0) return;
    oracle_.server_wrote(c.id, {reinterpret_cast<const std::uint8_t*>(c.inbox.data()), take},
                         now_ms());
    c.inbox.erase(0, take);
    read_ += take;
  }

  void half_close(Client& c) {
    if (!c.live || c.fin) return;
    c.fin = true;
    oracle_.client_half_closed(c.id, now_ms());
    if (c.pipe.empty()) c.fin_read = server_->read_eof(c.conn, now_);
  }

  void abandon(Client& c, bool reset) {
    if (!c.live) return;
    oracle_.client_abandoned(c.id);
    if (!reset) {
      // A close: the server still reads what was sent, then the end.
      server_reads(c, kUnlimited);
      if (!c.fin) c.fin = true;
      if (c.pipe.empty() && !c.fin_read) c.fin_read = server_->read_eof(c.conn, now_);
    }
    server_->reset(c.conn);
    c.live = false;
  }

  void pump_all() {
    for (Client& c : slots_) {
      server_reads(c, kUnlimited);
      flush(c);
      client_reads(c, kUnlimited);
    }
  }

  // Every connection half-closed and drained, then every key read back.
  void finish() {
    for (Client& c : slots_) half_close(c);
    drain();
    if (failed()) return;
    const std::vector<std::string> keys = model_.keys();
    if (!keys.empty()) {
      log(fmt::format("final reads: GET each of the {} keys written, on a new connection",
                      keys.size()));
      Client& c = slots_[0];
      open(c, 1);
      std::string bytes;
      for (const std::string& key : keys) {
        Request get;
        get.op = RequestOp::kGet;
        get.key = key;
        bytes += encode_one(get);
      }
      write(c, bytes);
      half_close(c);
      drain();
      if (failed()) return;
    }
    if (auto f = model_.check_histories()) own_failure_ = std::move(f);
  }

  void drain() {
    for (int round = 0; round < kDrainRounds && !failed(); ++round) {
      bool busy = false;
      for (Client& c : slots_) {
        if (!c.live) continue;
        busy = true;
        // As long as bytes move: the client reads whatever the server
        // writes, however small its socket's buffer.
        for (std::size_t moved = 1; moved > 0 && c.live && !failed();) {
          const std::size_t before = c.pipe.size() + c.inbox.size() + read_;
          server_reads(c, kUnlimited);
          flush(c);
          client_reads(c, kUnlimited);
          moved = before != c.pipe.size() + c.inbox.size() + read_ ? 1 : 0;
        }
      }
      if (!busy) return;
      now_ += std::chrono::milliseconds(100);
      server_->tick(now_);
    }
    for (Client& c : slots_) {
      if (c.live && oracle_.awaits_server(c.id) && !failed()) {
        own_failure_ = ExploreFailure{"8.2", Level::kMust, -1,
                               "after the client's FIN, every request answered, then a close",
                               fmt::format("connection {} neither answered nor ended after {} "
                                           "rounds in which the client read everything",
                                           c.id, kDrainRounds)};
        return;
      }
    }
  }

  FuzzedDataProvider in_;
  std::uint32_t max_frame_len_;
  std::size_t room_;
  std::unique_ptr<SimServer> server_;
  SpecModel model_;
  StreamOracle oracle_;
  std::array<Client, kSlots> slots_{};
  TimePoint now_{};
  int opened_ = 0;
  std::uint64_t read_ = 0;  // Bytes the clients read, for the drain's progress.
  int step_ = -1;
  std::vector<std::string> log_;
  // A failure the oracle does not see: a connection that never ends, or a
  // history that is not linearizable.
  std::optional<ExploreFailure> own_failure_;
};

}  // namespace

SimResult run_simulation(std::span<const std::uint8_t> data, const SimServerFactory& make) {
  Simulation simulation(data, make);
  return simulation.run();
}

std::string describe_simulation(const SimResult& result) {
  std::string text;
  if (result.failure) {
    const ExploreFailure& f = *result.failure;
    text += fmt::format("fails SPEC {} {}:\n  expected: {}\n  seen:     {}\n", f.rule,
                        f.step >= 0 ? fmt::format("at operation {}", f.step + 1)
                                    : std::string("after the last operation"),
                        f.expected, f.observed);
  }
  text += "operations:\n";
  for (std::size_t i = 0; i < result.log.size(); ++i) {
    text += fmt::format("  {}\n", result.log[i]);
  }
  return text;
}

}  // namespace kv
