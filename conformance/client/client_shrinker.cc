#include "conformance/client/client_shrinker.h"

#include <algorithm>
#include <optional>

#include "conformance/explore/ddmin.h"

namespace kv {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// A step with `from` changed by `change`, or std::nullopt if it made no
// difference.
template <typename Change>
std::optional<ClientStep> changed(const ClientStep& from, Change change) {
  ClientStep copy = from;
  if (!change(copy)) return std::nullopt;
  return copy;
}

// `at`, moved back to the start of the UTF-8 sequence it falls in, so that
// both halves of a cut stay valid UTF-8 (keys and values travel to the
// adapter as JSON strings).
std::size_t utf8_cut(const std::string& s, std::size_t at) {
  while (at > 0 && at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0U) == 0x80U) --at;
  return at;
}

// Every simplification of one step, smallest first.
std::vector<ClientStep> simpler_steps(const ClientStep& s) {
  std::vector<ClientStep> out;
  const auto add = [&](auto change) {
    if (auto c = changed(s, change)) out.push_back(std::move(*c));
  };
  if (s.op == StepOp::kClose) return out;
  add([](ClientStep& c) { return std::exchange(c.refuse, false); });
  add([](ClientStep& c) { return std::exchange(c.extra_frame, false); });
  if (s.op == StepOp::kBatch && s.requests.size() == 1) {
    add([](ClientStep& c) {
      c.op = c.requests[0].op == AdapterRequest::Op::kPut ? StepOp::kPut : StepOp::kGet;
      return true;
    });
  }
  add([](ClientStep& c) { return std::exchange(c.each_at_once, false); });
  add([](ClientStep& c) {
    const bool was = c.shape != AnswerShape::kWhole;
    c.shape = AnswerShape::kWhole;
    return was;
  });
  for (std::size_t i = 0; i < s.answers.size(); ++i) {
    const auto answer = [&](auto f) { add([&](ClientStep& c) { return f(c.answers[i]); }); };
    answer([](ServerAnswer& a) {
      const bool was = a.fault != Fault::kNone;
      a = ServerAnswer{};
      return was;
    });
    answer([](ServerAnswer& a) { return std::exchange(a.leftover, false); });
    answer([](ServerAnswer& a) { return std::exchange(a.fill_len, 0U) != 0; });
    answer([](ServerAnswer& a) {
      const bool was = a.form != ResponseForm::kCanonical;
      a.form = ResponseForm::kCanonical;
      return was;
    });
  }
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const auto request = [&](auto f) { add([&](ClientStep& c) { return f(c.requests[i]); }); };
    request([](AdapterRequest& r) {
      if (r.value.size() <= 1) return false;
      r.value.assign(1, 'v');
      return true;
    });
    request([](AdapterRequest& r) {
      const std::size_t cut = utf8_cut(r.value, r.value.size() / 2);
      if (cut == 0) return false;
      r.value.resize(cut);
      return true;
    });
    request([](AdapterRequest& r) {
      const std::size_t cut = utf8_cut(r.value, r.value.size() / 2);
      if (cut == 0) return false;
      r.value.erase(0, cut);
      return true;
    });
    request([](AdapterRequest& r) {
      if (r.key == "k") return false;
      r.key.assign(1, 'k');
      return true;
    });
    request([](AdapterRequest& r) {
      const std::size_t cut = utf8_cut(r.key, r.key.size() / 2);
      if (cut == 0) return false;
      r.key.resize(cut);
      return true;
    });
  }
  return out;
}

class Shrinker {
 public:
  Shrinker(const ClientStillFails& still_fails, std::chrono::milliseconds budget, int max_runs,
           ClientShrinkStats& stats)
      : still_fails_(still_fails),
        deadline_(Clock::now() + budget),
        max_runs_(max_runs),
        stats_(stats) {}

  asio::awaitable<ClientProgram> run(ClientProgram best) {
    best_ = std::move(best);
    for (bool progress = true; progress && !exhausted();) {
      progress = false;
      progress |= co_await remove_steps();
      progress |= co_await remove_requests();
      progress |= co_await simplify();
    }
    stats_.out_of_budget = exhausted();
    co_return best_;
  }

 private:
  bool exhausted() const { return stats_.runs >= max_runs_ || Clock::now() >= deadline_; }

  asio::awaitable<bool> try_candidate(ClientProgram candidate) {
    if (exhausted()) co_return false;
    ++stats_.runs;
    asio::awaitable<bool> attempt = still_fails_(candidate);
    if (!co_await std::move(attempt)) co_return false;
    ++stats_.accepted;
    best_ = std::move(candidate);
    co_return true;
  }

  asio::awaitable<bool> remove_steps() {
    co_return co_await remove_step_chunks(
        best_, [this](ClientProgram candidate) { return try_candidate(std::move(candidate)); },
        [this] { return exhausted(); });
  }

  // Removes requests (with their answers) from batches, one at a time.
  asio::awaitable<bool> remove_requests() {
    co_return co_await remove_requests_one_by_one(
        best_,
        [](const ClientStep& step) {
          return step.op == StepOp::kBatch ? step.requests.size() : std::size_t{0};
        },
        [](ClientStep& step, std::size_t j) {
          step.requests.erase(step.requests.begin() + static_cast<std::ptrdiff_t>(j));
          if (j < step.answers.size())
            step.answers.erase(step.answers.begin() + static_cast<std::ptrdiff_t>(j));
        },
        [this](ClientProgram candidate) { return try_candidate(std::move(candidate)); },
        [this] { return exhausted(); });
  }

  asio::awaitable<bool> simplify() {
    co_return co_await simplify_each_step(
        best_, [](const auto& step) { return simpler_steps(step); },
        [this](ClientProgram candidate) { return try_candidate(std::move(candidate)); },
        [this] { return exhausted(); });
  }

  const ClientStillFails& still_fails_;
  Clock::time_point deadline_;
  int max_runs_;
  ClientShrinkStats& stats_;
  ClientProgram best_;
};

}  // namespace

asio::awaitable<ClientProgram> shrink_client_program(ClientProgram failing,
                                                     const ClientStillFails& still_fails,
                                                     std::chrono::milliseconds budget, int max_runs,
                                                     ClientShrinkStats& stats) {
  Shrinker shrinker(still_fails, budget, max_runs, stats);
  co_return co_await shrinker.run(std::move(failing));
}

}  // namespace kv
