#include "conformance/explore/shrinker.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "conformance/explore/ddmin.h"

namespace kv {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

bool uses_conn(const Step& s) {
  return s.action != StepAction::kPause && s.action != StepAction::kChurn &&
         s.action != StepAction::kTerminate;
}

// Every simplification of one step that makes it smaller or plainer.
std::vector<Step> simpler_steps(const Step& s) {
  std::vector<Step> out;
  const auto with = [&](auto change) {
    Step copy = s;
    change(copy);
    out.push_back(std::move(copy));
  };
  switch (s.action) {
    case StepAction::kPause:
      if (s.ms > 1) with([](Step& c) { c.ms /= 2; });
      return out;
    case StepAction::kChurn:
      if (s.count > 1) with([](Step& c) { c.count = c.count * 3 / 4; });
      if (s.count > 1) with([](Step& c) { c.count -= 1; });
      return out;
    case StepAction::kReadSlowly:
      with([](Step& c) { c.action = StepAction::kRead; });
      return out;
    case StepAction::kTerminate:
      if (s.ms > 0) with([](Step& c) { c.ms = 0; });
      if (s.count > 0) with([](Step& c) { c.count /= 2; });
      return out;
    case StepAction::kReset:
      with([](Step& c) { c.action = StepAction::kClose; });
      return out;
    case StepAction::kSend:
      break;
    default:
      return out;
  }
  if (s.shape.kind != ShapeKind::kWhole) with([](Step& c) { c.shape = WriteShape::whole(); });
  if (s.shape.kind == ShapeKind::kSlowDrip) {
    with([](Step& c) { c.shape = WriteShape::byte_by_byte(); });
  }
  if (s.hold > 0) with([](Step& c) { c.hold = 0; });
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const Request& r = s.requests[i];
    const auto change = [&](auto f) { with([&](Step& c) { f(c.requests[i]); }); };
    if (r.repeat > 1) {
      change([](Request& q) { q.repeat = q.repeat / 2; });
      change([](Request& q) { q.repeat -= 1; });
    }
    if (r.form != BodyForm::kCanonical) change([](Request& q) { q.form = BodyForm::kCanonical; });
    if (r.status != 0) change([](Request& q) { q.status = 0; });
    if (r.fill_len != 0) change([](Request& q) { q.fill_len = 0; });
    if (r.value.size() > 1) {
      change([](Request& q) { q.value.resize(q.value.size() / 2); });
      change([](Request& q) { q.value = q.value.substr(q.value.size() / 2); });
    }
    if (!r.value.empty() && r.value != "v" && r.op != RequestOp::kGarbageBody) {
      change([](Request& q) { q.value.assign(1, 'v'); });
    }
    if (r.key.size() > 1) {
      change([](Request& q) { q.key.assign(1, 'k'); });
      change([](Request& q) { q.key.resize(q.key.size() / 2); });
      change([](Request& q) { q.key = q.key.substr(q.key.size() / 2); });
    }
  }
  return out;
}

// The program with every value over 1 KiB cut to 16 bytes and no frame
// filled to the maximum, or std::nullopt if it has none.
std::optional<Program> without_large_values(Program p) {
  bool changed = false;
  for (Step& s : p.steps) {
    for (Request& r : s.requests) {
      if (r.value.size() > 1024 || r.fill_len != 0) {
        r.value.resize(std::min<std::size_t>(r.value.size(), 16));
        r.fill_len = 0;
        changed = true;
      }
    }
  }
  if (!changed) return std::nullopt;
  return p;
}

class Shrinker {
 public:
  Shrinker(const StillFails& still_fails, std::chrono::milliseconds budget, int max_runs,
           ShrinkStats& stats)
      : still_fails_(still_fails),
        deadline_(Clock::now() + budget),
        max_runs_(max_runs),
        stats_(stats) {}

  asio::awaitable<Program> run(Program best) {
    best_ = std::move(best);
    // Large values make every run slow (and a failing run waits for its
    // timeouts): try without them first.
    if (const std::optional<Program> small = without_large_values(best_)) {
      co_await try_candidate(*small);
    }
    for (bool progress = true; progress && !exhausted();) {
      progress = false;
      progress |= co_await remove_steps();
      progress |= co_await remove_connections();
      progress |= co_await remove_requests();
      progress |= co_await simplify();
    }
    stats_.out_of_budget = exhausted();
    co_return compact_connections(best_);
  }

 private:
  bool exhausted() const { return stats_.runs >= max_runs_ || Clock::now() >= deadline_; }

  asio::awaitable<bool> try_candidate(Program candidate) {
    if (exhausted()) co_return false;
    ++stats_.runs;
    asio::awaitable<bool> attempt = still_fails_(candidate);
    const bool fails = co_await std::move(attempt);
    if (!fails) co_return false;
    ++stats_.accepted;
    stats_.path.push_back(candidate);
    best_ = std::move(candidate);
    co_return true;
  }

  // ddmin: removes chunks of steps, halving the chunk size down to one.
  asio::awaitable<bool> remove_steps() {
    co_return co_await remove_step_chunks(
        best_, [this](Program candidate) { return try_candidate(std::move(candidate)); },
        [this] { return exhausted(); });
  }

  asio::awaitable<bool> remove_connections() {
    bool any = false;
    std::set<int> conns;
    for (const Step& s : best_.steps) {
      if (uses_conn(s)) conns.insert(s.conn);
    }
    for (const int conn : conns) {
      Program candidate = best_;
      std::erase_if(candidate.steps, [&](const Step& s) { return uses_conn(s) && s.conn == conn; });
      if (candidate.steps.size() == best_.steps.size()) continue;
      any |= co_await try_candidate(std::move(candidate));
    }
    co_return any;
  }

  asio::awaitable<bool> remove_requests() {
    co_return co_await remove_requests_one_by_one(
        best_, [](const Step& step) { return step.requests.size(); },
        [](Step& step, std::size_t j) {
          step.requests.erase(step.requests.begin() + static_cast<std::ptrdiff_t>(j));
        },
        [this](Program candidate) { return try_candidate(std::move(candidate)); },
        [this] { return exhausted(); });
  }

  asio::awaitable<bool> simplify() {
    co_return co_await simplify_each_step(
        best_, [](const auto& step) { return simpler_steps(step); },
        [this](Program candidate) { return try_candidate(std::move(candidate)); },
        [this] { return exhausted(); });
  }

  const StillFails& still_fails_;
  Clock::time_point deadline_;
  int max_runs_;
  ShrinkStats& stats_;
  Program best_;
};

}  // namespace

Program compact_connections(Program program) {
  std::map<int, int> renumber;
  for (Step& s : program.steps) {
    if (!uses_conn(s)) {
      s.conn = 0;
      continue;
    }
    const auto [it, added] = renumber.emplace(s.conn, static_cast<int>(renumber.size()));
    s.conn = it->second;
  }
  return program;
}

asio::awaitable<Program> shrink_program(Program failing, const StillFails& still_fails,
                                        std::chrono::milliseconds budget, int max_runs,
                                        ShrinkStats& stats) {
  Shrinker shrinker(still_fails, budget, max_runs, stats);
  co_return co_await shrinker.run(std::move(failing));
}

}  // namespace kv
