#include "conformance/client/client_program_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <random>

#include "conformance/client/response_forms.h"
#include "conformance/explore/draws.h"
#include "conformance/wire/edge_strings.h"

namespace kv {
namespace {

// How often each misbehaviour is drawn, relative to the others, when an
// answer misbehaves. The 13.10 faults cost a client timeout each, so they
// are drawn less often than their class's share.
struct FaultWeight {
  Fault fault;
  double weight;
};

constexpr std::array<FaultWeight, 16> kFaultWeights = {{
    {Fault::kLenAboveMax, 1.0},
    {Fault::kLenBelowFive, 1.0},
    {Fault::kBadFooter, 1.5},
    {Fault::kMalformedBody, 1.0},
    {Fault::kInvalidUtf8, 1.5},
    {Fault::kErrorResponse, 2.5},
    {Fault::kWrongKind, 1.0},
    {Fault::kOtherKey, 4.0},  // GETs only.
    {Fault::kBadStatus, 2.0},
    {Fault::kCloseBefore, 0.5},
    {Fault::kTruncate, 1.0},
    {Fault::kResetBefore, 0.8},
    {Fault::kResetInside, 0.8},
    {Fault::kSilence, 0.3},
    {Fault::kStall, 0.5},
    {Fault::kDripPastTimeout, 1.2},
}};

// The share of answers that misbehave.
constexpr double kFaultChance = 0.22;

class Generator : private Draws {
 public:
  Generator(const ClientGeneratorConfig& config, std::uint64_t index)
      : Draws(config.seed, index, 29), config_(config) {}

  ClientProgram make() {
    make_pools();
    ClientProgram p;
    const int steps = uniform(1, std::max(1, config_.max_steps));
    for (int i = 0; i < steps; ++i) p.steps.push_back(step(p));
    // A step before a close may leave a frame nobody asked for: the close
    // must take it away with the connection (SPEC 13.13).
    for (std::size_t i = 0; i + 1 < p.steps.size(); ++i) {
      ClientStep& s = p.steps[i];
      if (p.steps[i + 1].op == StepOp::kClose && s.op != StepOp::kClose && !s.refuse &&
          !ends_stream(s) && chance(0.4)) {
        s.extra_frame = true;
      }
    }
    return p;
  }

 private:
  static bool ends_stream(const ClientStep& s) {
    return std::any_of(s.answers.begin(), s.answers.end(),
                       [](const ServerAnswer& a) { return fault_ends_stream(a.fault); });
  }

  void make_pools() {
    // Two to four edge families give this program's keys and values.
    const std::vector<EdgeFamily>& families = all_edge_families();
    const int count = uniform(2, 4);
    for (int f = 0; f < count; ++f) {
      std::vector<std::string> strings = edge_strings(pick(families));
      std::shuffle(strings.begin(), strings.end(), engine());
      strings.resize(std::min<std::size_t>(strings.size(), 5));
      for (std::string& s : strings) pool_.push_back(std::move(s));
    }
    pool_.push_back("k1");
    pool_.push_back("k2");
  }

  std::string key() {
    if (chance(0.15)) return fmt::format("k{}", uniform(1, 9));
    return pick(pool_);
  }

  std::string value() {
    const int roll = uniform(0, 99);
    if (roll < 12) return "";
    if (roll < 70) return pick(pool_);
    if (roll < 62) {
      // A large value, more than 1 MiB, within what the client accepts.
      const std::uint32_t cap = config_.max_frame_bytes > 8192 ? config_.max_frame_bytes - 4096 : 0;
      const auto size = static_cast<std::size_t>(
          std::min<std::uint32_t>(cap, static_cast<std::uint32_t>(uniform(1100, 3500)) * 1024));
      if (size > 0) return patterned_string(size);
    }
    return fmt::format("v{}", ++values_);
  }

  AdapterRequest request(bool put) {
    AdapterRequest r;
    r.op = put ? AdapterRequest::Op::kPut : AdapterRequest::Op::kGet;
    // GETs mostly read keys the program has stored: hits bring the stored
    // values back, which is where a client mangles them.
    r.key = !put && !stored_.empty() && chance(0.7) ? pick(stored_) : key();
    if (put) {
      r.value = value();
      stored_.push_back(r.key);
      largest_value_ = std::max(largest_value_, r.value.size());
    }
    return r;
  }

  Fault fault(bool get) {
    double total = 0;
    for (const FaultWeight& w : kFaultWeights) {
      if (get || w.fault != Fault::kOtherKey) total += w.weight;
    }
    double roll = std::uniform_real_distribution<double>(0, total)(engine());
    for (const FaultWeight& w : kFaultWeights) {
      if (!get && w.fault == Fault::kOtherKey) continue;
      if (roll < w.weight) return w.fault;
      roll -= w.weight;
    }
    return Fault::kBadFooter;
  }

  std::int64_t fault_param(Fault f, bool get) {
    switch (f) {
      case Fault::kLenAboveMax:
        return uniform(0, 2);
      case Fault::kLenBelowFive:
      case Fault::kBadFooter:
        return uniform(0, 4);
      case Fault::kMalformedBody:
        return uniform(0, static_cast<int>(malformed_body_tails().size()) - 1);
      case Fault::kInvalidUtf8:
        return uniform(0, 2 * static_cast<int>(invalid_utf8_classes().size()) - 1);
      case Fault::kErrorResponse:
        return uniform(0, 3);
      case Fault::kWrongKind:
        return get ? pick(std::vector<std::int64_t>{1, 3, 4, 5, 0xFFFFFFFFLL})
                   : pick(std::vector<std::int64_t>{1, 2, 4, 0xFFFFFFFFLL});
      case Fault::kOtherKey:
        // The look-alikes in lookalike_keys() order: case, after-nul and
        // prefix first, which careless comparisons miss most.
        return chance(0.75) ? uniform(0, 2) : uniform(3, 6);
      case Fault::kBadStatus:
        return get ? pick(std::vector<std::int64_t>{2, 3, 7, -1, 2147483647})
                   : pick(std::vector<std::int64_t>{1, 2, 7, -1});
      default:
        return uniform(0, 1 << 20);
    }
  }

  ServerAnswer answer(const AdapterRequest& r, bool stream_ended, bool small) {
    ServerAnswer a;
    const bool get = r.op == AdapterRequest::Op::kGet;
    if (chance(0.3)) {
      const std::vector<ResponseForm>& forms = all_response_forms();
      a.form = forms[static_cast<std::size_t>(uniform(1, static_cast<int>(forms.size()) - 1))];
      // The 100 KiB unknown field is slow to drip: mostly another form.
      if (a.form == ResponseForm::kLargeUnknownField && chance(0.7)) a.form = ResponseForm::kGroups;
    }
    if (get && small && !stream_ended && chance(0.04)) {
      // A hit at the client's maximum LEN, or just below it (13.5).
      a.fill_len = config_.max_frame_bytes - (chance(0.7) ? 0 : 1);
    }
    // An answer after a timed-out one goes out late: kept small.
    if (stream_ended && a.form == ResponseForm::kLargeUnknownField) a.form = ResponseForm::kGroups;
    if (!stream_ended && chance(kFaultChance)) {
      a.fault = fault(get);
      // The rest of a timed-out answer goes out late, to a client that may
      // not be reading: only small answers time out.
      if (fault_is_timeout(a.fault) && !small) a.fault = Fault::kTruncate;
      a.param = fault_param(a.fault, get);
      a.leftover = fault_is_framing_error(a.fault) && chance(0.5);
      a.fill_len = 0;
    }
    return a;
  }

  ClientStep step(const ClientProgram& p) {
    ClientStep s;
    const bool after_close = !p.steps.empty() && p.steps.back().op == StepOp::kClose;
    const int roll = uniform(0, 99);
    s.op = roll < 32   ? StepOp::kPut
           : roll < 64 ? StepOp::kGet
           : roll < 88 ? StepOp::kBatch
                       : StepOp::kClose;
    if (s.op == StepOp::kClose) return s;
    const int n = s.op != StepOp::kBatch ? 1 : chance(0.9) ? uniform(2, 6) : uniform(7, 30);
    for (int i = 0; i < n; ++i) {
      const bool put = s.op == StepOp::kPut || (s.op == StepOp::kBatch && chance(0.5));
      s.requests.push_back(request(put));
    }
    if (after_close && chance(0.3)) {
      // No connection is open: the client must connect, and is refused (13.11).
      s.refuse = true;
      return s;
    }
    bool ended = false;
    const bool small = largest_value_ < 4096 && s.requests.size() <= 8;
    std::size_t bytes = 0;  // About the bytes of the answers: the shapes depend on it.
    for (const AdapterRequest& r : s.requests) {
      s.answers.push_back(answer(r, ended, small));
      const ServerAnswer& a = s.answers.back();
      ended = ended || fault_ends_stream(a.fault);
      bytes += r.key.size() + 32 + a.fill_len +
               (r.op == AdapterRequest::Op::kGet ? largest_value_ : 0) +
               (a.form == ResponseForm::kLargeUnknownField ? 100 * 1024 : 0);
    }
    s.each_at_once = !ended && chance(0.4);
    const int shape = uniform(0, 99);
    if (shape < 45) {
      s.shape = AnswerShape::kWhole;
    } else if (shape < 60) {
      s.shape = AnswerShape::kSplit;
    } else if (shape < 80 || (shape < 90 && bytes > 2000)) {
      // Many tiny writes of a large answer take long and test nothing more.
      s.shape = AnswerShape::kRandomChunks;
      s.max_chunk = bytes > 16 * 1024 ? static_cast<std::uint32_t>(uniform(4096, 65536))
                                      : static_cast<std::uint32_t>(uniform(1, 64));
    } else if (shape < 90) {
      s.shape = AnswerShape::kByteByByte;
    } else {
      // Slow, but all pauses of the step together within a fifth of the
      // client's timeout: a legal answer completes well within it.
      s.shape = AnswerShape::kSlow;
      const auto timeout = static_cast<int>(config_.client_timeout.count());
      const int writes = s.each_at_once ? n : 1;
      s.pause_ms = std::max(1, uniform(timeout / 20, timeout / 5) / writes);
    }
    s.shape_seed = engine()();
    return s;
  }

  const ClientGeneratorConfig& config_;
  std::vector<std::string> pool_;
  std::vector<std::string> stored_;  // The keys of the PUTs so far.
  std::size_t largest_value_ = 0;    // The largest value they stored.
  int values_ = 0;
};

}  // namespace

ClientProgram generate_client_program(const ClientGeneratorConfig& config, std::uint64_t index) {
  return Generator(config, index).make();
}

}  // namespace kv
