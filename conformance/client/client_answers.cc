#include "conformance/client/client_answers.h"

#include <fmt/format.h>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/wire/edge_strings.h"
#include "conformance/wire/messages.h"

namespace kv {
namespace {

constexpr std::uint32_t kStatusField = 4;

// The body of `m` with its strings as raw bytes (which may be ill-formed
// UTF-8) and its status as an int32 varint.
std::string raw_body(const std::string& key, const std::string& value, std::uint32_t kind,
                     std::int64_t status) {
  std::string body;
  if (!key.empty()) body += pb_bytes_field(1, key);
  if (!value.empty()) body += pb_bytes_field(2, value);
  if (kind != 0) body += pb_varint_field(3, kind);
  if (status != 0) {
    body += pb_varint_field(kStatusField, static_cast<std::uint64_t>(status));
  }
  return body;
}

std::string error_response_frame(std::int64_t variant) {
  switch (variant % 4) {
    case 1:
      return encode_raw_frame_to_string("");
    case 2:
      return encode_raw_frame_to_string(pb_bytes_field(1, "k") + pb_bytes_field(2, "v"));
    case 3:
      return encode_raw_frame_to_string(pb_varint_field(kStatusField, 7));
    default:
      return encode_frame_to_string(make_error_response());
  }
}

std::size_t cut_point(std::int64_t param, std::size_t size) {
  // 1 .. size - 1: some of the answer, never all of it.
  if (size < 2) return 0;
  return 1 + static_cast<std::size_t>(param < 0 ? -param : param) % (size - 1);
}

AnswerPlan error_plan(std::string bytes, std::string error_class) {
  AnswerPlan plan;
  plan.bytes = std::move(bytes);
  plan.want = ResultPattern::of(error_result(std::move(error_class)));
  return plan;
}

}  // namespace

std::string fill_value(const std::string& key, std::uint32_t len) {
  // A hit {key, value, kind 2} has the size of the PUT with that key and
  // value (kind 3).
  const std::size_t size = value_size_for_put_len(key, len);
  return size == 0 ? std::string() : patterned_string(size);
}

AnswerPlan plan_answer(const AdapterRequest& request, const ServerAnswer& answer, ModelStore& store,
                       std::uint32_t max_frame_bytes, const std::string& stale) {
  const bool put = request.op == AdapterRequest::Op::kPut;
  // The model's answer and the result it asks for.
  Message model;
  AdapterResult result;
  if (put) {
    model = make_put_ack();
    result = stored_result();
  } else if (answer.fill_len != 0 && !fill_value(request.key, answer.fill_len).empty()) {
    const std::string value = fill_value(request.key, answer.fill_len);
    model = make_get_hit(request.key, value);
    result = found_result(value);
  } else if (const auto it = store.find(request.key); it != store.end()) {
    model = make_get_hit(request.key, it->second);
    result = found_result(it->second);
  } else {
    model = make_get_miss(request.key);
    result = not_found_result();
  }
  const std::string frame = response_frame(model, answer.form);
  AnswerPlan plan;
  const std::int64_t p = answer.param;
  switch (answer.fault) {
    case Fault::kNone:
      if (put) store[request.key] = request.value;
      plan.bytes = frame;
      plan.want = ResultPattern::of(result);
      break;
    case Fault::kLenAboveMax: {
      const std::uint32_t len = p % 3 == 0   ? max_frame_bytes + 1
                                : p % 3 == 1 ? 0xFFFFFFFFU
                                             : 0x80000000U;
      plan = error_plan(
          encode_header_to_string(len) + (p % 3 == 0 ? std::string() : std::string("\x0a\x01", 2)),
          "length-too-large");
      break;
    }
    case Fault::kLenBelowFive:
      plan = error_plan(encode_header_to_string(static_cast<std::uint32_t>(p % 5)) + "@EOF@",
                        "length-too-small");
      break;
    case Fault::kBadFooter: {
      std::string bad = frame;
      bad[bad.size() - kFooterBytes + static_cast<std::size_t>(p % 5)] ^= 0x20;
      plan = error_plan(bad, "bad-footer");
      break;
    }
    case Fault::kMalformedBody: {
      const auto tails = malformed_body_tails();
      const std::string& tail = tails[static_cast<std::size_t>(p) % tails.size()].second;
      plan =
          error_plan(encode_raw_frame_to_string(raw_body(model.key(), "", model.kind(), 0) + tail),
                     "bad-body");
      break;
    }
    case Fault::kInvalidUtf8: {
      const auto& classes = invalid_utf8_classes();
      const std::string bad(classes[static_cast<std::size_t>(p / 2) % classes.size()].bytes);
      const bool in_key = p % 2 == 1;
      const std::string key = in_key ? model.key() + bad : model.key();
      const std::string value = in_key ? model.value() : "v" + bad + model.value();
      plan =
          error_plan(encode_raw_frame_to_string(raw_body(key, value, model.kind(), model.status())),
                     "bad-body");
      break;
    }
    case Fault::kErrorResponse:
      plan = error_plan(error_response_frame(p), "error-response");
      break;
    case Fault::kWrongKind: {
      Message wrong = model;
      wrong.set_kind(static_cast<std::uint32_t>(p));
      plan = error_plan(response_frame(wrong, answer.form), "unexpected-response");
      break;
    }
    case Fault::kOtherKey: {
      const std::vector<LookalikeKey> others = lookalike_keys(request.key);
      Message wrong = model;
      wrong.set_key(others[static_cast<std::size_t>(p) % others.size()].key);
      plan = error_plan(response_frame(wrong, answer.form), "unexpected-response");
      break;
    }
    case Fault::kBadStatus:
      plan = error_plan(encode_raw_frame_to_string(
                            raw_body(model.key(), model.value(), model.kind(),
                                     static_cast<std::int64_t>(static_cast<std::int32_t>(p)))),
                        "unexpected-response");
      break;
    case Fault::kCloseBefore:
      plan = error_plan("", "closed");
      plan.end = AnswerPlan::End::kClose;
      break;
    case Fault::kTruncate:
      plan = error_plan(frame.substr(0, cut_point(p, frame.size())), "truncated");
      plan.end = AnswerPlan::End::kClose;
      break;
    case Fault::kResetBefore:
      plan = error_plan("", "reset");
      plan.end = AnswerPlan::End::kReset;
      break;
    case Fault::kResetInside:
      plan = error_plan(frame.substr(0, cut_point(p, frame.size())), "reset");
      plan.end = AnswerPlan::End::kReset;
      break;
    case Fault::kSilence:
      plan = error_plan("", "timeout");
      plan.late = frame;
      break;
    case Fault::kStall: {
      const std::size_t cut = cut_point(p, frame.size());
      plan = error_plan(frame.substr(0, cut), "timeout");
      plan.late = frame.substr(cut);
      break;
    }
    case Fault::kDripPastTimeout:
      plan = error_plan(frame, "timeout");
      plan.drip = true;
      break;
  }
  plan.framing_error = fault_is_framing_error(answer.fault);
  plan.ends_stream = fault_ends_stream(answer.fault);
  if (plan.bytes.size() >= kHeaderBytes &&
      read_frame_len(reinterpret_cast<const std::uint8_t*>(plan.bytes.data())) > max_frame_bytes) {
    // An answer larger than the client accepts (a stored value near the
    // maximum, say) is length-too-large from its header, whatever follows
    // (SPEC 2.6, 13.5).
    plan.want = ResultPattern::of(error_result("length-too-large"));
    plan.framing_error = true;
    plan.ends_stream = true;
    plan.end = AnswerPlan::End::kNone;
    plan.late.clear();
    plan.drip = false;
  }
  if (plan.framing_error && answer.leftover) plan.bytes += stale;
  plan.model_answer = model;
  return plan;
}

}  // namespace kv
