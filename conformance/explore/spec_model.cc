#include "conformance/explore/spec_model.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"
#include "codec/utf8.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

std::string rule_of(const Request& r, bool bad_body) {
  if (bad_body) return r.op == RequestOp::kGarbageBody || r.op == RequestOp::kSpoiledPut ? "6.4" : "4.3";
  if (r.fill_len != 0) return "3.1";
  if (r.form == BodyForm::kExplicitDefaults) return "4.5";
  if (r.form != BodyForm::kCanonical) return "4.2";
  switch (r.op) {
    case RequestOp::kOtherKind:
      return "5.6";
    case RequestOp::kPut:
      if (r.status != 0) return "5.4";
      if (r.key.empty() || r.value.empty()) return "5.5";
      return "5.1";
    case RequestOp::kGet:
      if (r.status != 0 || !r.value.empty()) return "5.4";
      if (r.key.empty()) return "5.5";
      return "5.2";
    default:
      return "5.7";
  }
}

std::string want_text(const Expectation& e) {
  if (e.bad_body) return "the error response " + describe_message(make_error_response());
  switch (e.op) {
    case RequestOp::kPut:
      return describe_message(make_put_ack());
    case RequestOp::kGet:
      return fmt::format("a hit {{key: {}, value: <the value>, kind: 2, status: Ok}} or a miss {}",
                         quote_bytes(e.key), describe_message(make_get_miss(e.key)));
    default:
      return describe_message(make_unknown_kind_response(e.kind));
  }
}

// Whether `event` is the response `e` expects, ignoring the store's
// content (a GET may hit or miss).
bool fits(const Expectation& e, const ReadEvent& event) {
  if (event.kind != ReadEventKind::kFrame) return false;
  const Message& m = event.message;
  if (e.bad_body) return same_message(m, make_error_response());
  switch (e.op) {
    case RequestOp::kPut:
      return same_message(m, make_put_ack());
    case RequestOp::kGet:
      return m.kind() == kKindGetResponse && m.key() == e.key &&
             (m.status() == Ok || (m.status() == NotOk && m.value().empty()));
    default:
      return same_message(m, make_unknown_kind_response(e.kind));
  }
}

bool has_footer(const std::string& text) {
  return text.find(std::string_view(reinterpret_cast<const char*>(kFooter.data()),
                                    kFooter.size())) != std::string::npos;
}

// Whether two operations' intervals overlap (neither ends before the
// other starts).
bool overlap(const RegisterOp& a, const RegisterOp& b) {
  return !(a.response_ms < b.invoke_ms || b.response_ms < a.invoke_ms);
}

std::string op_text(const RegisterOp& op) {
  const std::string value = op.value ? quote_bytes(*op.value) : std::string("miss");
  return fmt::format("c{} {} {} [{:.1f} ms, {:.1f} ms]", op.client,
                     op.type == RegisterOp::Type::kPut ? "PUT" : "GET ->", value, op.invoke_ms,
                     op.response_ms);
}

}  // namespace

bool is_bad_body(const Request& r) {
  switch (r.op) {
    case RequestOp::kGarbageBody:
    case RequestOp::kSpoiledPut:
      return true;
    case RequestOp::kPut:
    case RequestOp::kGet:
    case RequestOp::kOtherKind:
      return !is_valid_utf8(r.key) || !is_valid_utf8(r.value);
    default:
      return false;
  }
}

Expectation SpecModel::expect(const Request& request, const Request& wire, int step, int client,
                              double invoke_ms) const {
  Expectation e;
  e.op = wire.op;
  e.key = wire.key;
  e.value = wire.value;
  e.kind = wire.kind;
  e.bad_body = is_bad_body(wire);
  e.rule = rule_of(request, e.bad_body);
  e.step = step;
  e.client = client;
  e.invoke_ms = invoke_ms;
  e.what = describe_request(wire);
  return e;
}

void SpecModel::sent(const Expectation& e) {
  // A key the program does not own has no history: only the form of its
  // answers is judged.
  // A rejected request has no effect, however much of it parsed.
  if (e.op == RequestOp::kSpoiledPut) forbid(e.key, e.value, "6.4");
  if (e.bad_body || !space_.owns(e.key)) return;
  if (e.op == RequestOp::kPut) {
    written_[e.key].insert(e.value);
    touched_.insert(e.key);
  } else if (e.op == RequestOp::kGet) {
    touched_.insert(e.key);
    if (!e.value.empty()) forbid(e.key, e.value, "5.4");
  }
}

void SpecModel::forbid(const std::string& key, const std::string& value, const std::string& rule) {
  // Another client may have stored that value under a shared key.
  if (!space_.owns(key)) return;
  forbidden_[key].emplace(value, rule);
  touched_.insert(key);
}

std::vector<std::string> SpecModel::keys() const {
  std::vector<std::string> out;
  for (const std::string& k : touched_) {
    if (!tainted_.count(k)) out.push_back(k);
  }
  return out;
}

std::optional<ExploreFailure> SpecModel::judge(const Expectation& e, const ReadEvent& event,
                                               double now_ms,
                                               const std::vector<const Expectation*>& later) {
  tally_.judged(e.rule);
  tally_.judged("5.7");
  if (event.kind == ReadEventKind::kFrame) {
    // A response decoded as a frame (2.1) holding a message (4.1) of the
    // kind its request calls for (4.6).
    tally_.judged("2.1");
    tally_.judged("4.1");
    tally_.judged("4.6");
  }
  if (e.op == RequestOp::kGarbageBody) tally_.judged("4.4");
  if (has_footer(e.key) || has_footer(e.value)) tally_.judged("2.4");
  if (!fits(e, event)) {
    ExploreFailure f{e.rule, Level::kMust, e.step,
                     fmt::format("{} is answered {}", e.what, want_text(e)), describe_event(event)};
    for (const Expectation* next : later) {
      if (fits(*next, event)) {
        f.rule = "5.7";
        f.observed += fmt::format(
            " (the answer to a later request, {}: responses out of order "
            "or one is missing)",
            next->what);
        break;
      }
    }
    return f;
  }
  if (strict_) tally_.judged("4.5");
  if (strict_ && !event.raw.empty() && event.raw != encode_frame_to_string(event.message)) {
    return ExploreFailure{"4.5", Level::kShould, e.step,
                          fmt::format("the response to {} written canonically (default fields "
                                      "left out): {}",
                                      e.what, hex_bytes(encode_frame_to_string(event.message))),
                          "the frame " + hex_bytes(event.raw)};
  }
  if (e.bad_body || !space_.owns(e.key)) return std::nullopt;
  if (e.op == RequestOp::kPut) {
    history_[e.key].push_back({RegisterOp::Type::kPut, e.value, e.invoke_ms, now_ms, e.client});
    return std::nullopt;
  }
  if (e.op == RequestOp::kGet) return judge_get(e, event, now_ms);
  return std::nullopt;
}

std::optional<ExploreFailure> SpecModel::judge_get(const Expectation& e, const ReadEvent& event,
                                                   double now_ms) {
  std::optional<std::string> seen;
  if (event.message.status() == Ok) seen = event.message.value();
  if (tainted_.count(e.key)) return std::nullopt;
  if (const auto forbidden = forbidden_.find(e.key); forbidden != forbidden_.end()) {
    for (const auto& [value, rule] : forbidden->second) tally_.judged(rule);
    tally_.judged("6.7");
  }
  if (seen) {
    tally_.judged("5.9");  // The value read back is one written, byte for byte.
  } else {
    tally_.judged("5.3");
  }
  if (seen) {
    if (auto f = value_from_nowhere(e, *seen)) return f;
  }
  history_[e.key].push_back({RegisterOp::Type::kGet, seen, e.invoke_ms, now_ms, e.client});
  return std::nullopt;
}

std::optional<ExploreFailure> SpecModel::value_from_nowhere(const Expectation& e,
                                                            const std::string& value) const {
  const auto written = written_.find(e.key);
  if (written != written_.end() && written->second.count(value)) return std::nullopt;
  ExploreFailure f{"5.2", Level::kMust, e.step, "", "a hit with value " + quote_bytes(value)};
  const auto forbidden = forbidden_.find(e.key);
  const bool never_written = written == written_.end();
  if (forbidden != forbidden_.end() && forbidden->second.count(value)) {
    f.rule = forbidden->second.at(value);
    const std::string why =
        f.rule == "6.5"   ? "was only in a frame cut short by the end of the stream (SPEC 6.5)"
        : f.rule == "6.2" ? "was only in a frame with a bad footer (SPEC 6.2)"
        : f.rule == "6.4" ? "was only in a bad body, though its fields before the fault parse "
                            "(SPEC 6.4)"
                          : "was only carried by a GET (SPEC 5.4)";
    f.expected = fmt::format("{}: never the value {}, which {}", e.what, quote_bytes(value), why);
  } else if (never_written) {
    f.rule = value.empty() ? "5.3" : "5.2";
    f.expected = fmt::format("{}: a miss, since no PUT of this key was sent", e.what);
  } else {
    f.expected = fmt::format("{}: a miss or one of the {} value(s) PUT under this key", e.what,
                             written->second.size());
  }
  return f;
}

std::optional<ExploreFailure> SpecModel::check_histories() const {
  for (const auto& [key, ops] : history_) {
    if (tainted_.count(key) || ops.size() > kMaxRegisterOps) continue;
    tally_.judged("10.1");
    tally_.judged("10.4");  // Each connection's requests take effect in order.
    const int first_client = ops.front().client;
    if (std::any_of(ops.begin(), ops.end(),
                    [first_client](const RegisterOp& op) { return op.client != first_client; })) {
      tally_.judged("5.8");
      tally_.judged("10.2");
      tally_.judged("10.3");
    }
    const LinearizabilityResult result =
        check_register_history(ops, std::nullopt, OrderRule::kClientOrder);
    if (result.linearizable) continue;
    bool concurrent = false;
    for (std::size_t i = 0; i < ops.size() && !concurrent; ++i) {
      for (std::size_t j = i + 1; j < ops.size(); ++j) {
        if (ops[i].client != ops[j].client && overlap(ops[i], ops[j])) concurrent = true;
      }
    }
    ExploreFailure f{"10.1", Level::kMust, -1, "", ""};
    if (!concurrent) {
      // One operation at a time: find the first read that missed the last
      // write before it.
      std::optional<std::string> value;
      int writer = 0;
      for (const RegisterOp& op : ops) {
        if (op.type == RegisterOp::Type::kPut) {
          value = op.value;
          writer = op.client;
          continue;
        }
        if (op.value == value) continue;
        f.rule = writer == op.client || !value ? "5.1" : "10.2";
        if (!value) f.rule = "5.3";
        if (value && value->empty()) f.rule = "5.5";
        f.expected = fmt::format(
            "GET {} by c{} reads {}, the last value written before it{}", quote_bytes(key),
            op.client, value ? quote_bytes(*value) : std::string("(a miss)"),
            writer != op.client && value ? fmt::format(" (by c{}; SPEC 5.8, 10.2)", writer)
                                         : std::string());
        f.observed = "it read " + (op.value ? quote_bytes(*op.value) : std::string("a miss"));
        break;
      }
    } else {
      f.expected = fmt::format(
          "the operations on {} take effect in some order that respects "
          "real time and each connection's order (SPEC 10.1)",
          quote_bytes(key));
    }
    std::string listing;
    for (const RegisterOp& op : ops) listing += "\n    " + op_text(op);
    f.observed +=
        (f.observed.empty() ? "no such order exists; the history:" : "; the history:") + listing;
    return f;
  }
  return std::nullopt;
}

}  // namespace kv
