#include "conformance/client/client_program.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "conformance/wire/messages.h"

namespace kv {
namespace {

struct FaultInfo {
  Fault fault;
  std::string_view name;
  std::string_view rule;
};

constexpr std::array<FaultInfo, 17> kFaults = {{
    {Fault::kNone, "none", ""},
    {Fault::kLenAboveMax, "len-above-max", "13.5"},
    {Fault::kLenBelowFive, "len-below-five", "13.6"},
    {Fault::kBadFooter, "bad-footer", "13.6"},
    {Fault::kMalformedBody, "malformed-body", "13.7"},
    {Fault::kInvalidUtf8, "invalid-utf8", "13.7"},
    {Fault::kErrorResponse, "error-response", "13.8"},
    {Fault::kWrongKind, "wrong-kind", "13.8"},
    {Fault::kOtherKey, "other-key", "13.8"},
    {Fault::kBadStatus, "bad-status", "13.8"},
    {Fault::kCloseBefore, "close-before", "13.9"},
    {Fault::kTruncate, "truncate", "13.9"},
    {Fault::kResetBefore, "reset-before", "13.9"},
    {Fault::kResetInside, "reset-inside", "13.9"},
    {Fault::kSilence, "silence", "13.10"},
    {Fault::kStall, "stall", "13.10"},
    {Fault::kDripPastTimeout, "drip-past-timeout", "13.10"},
}};

const FaultInfo& info(Fault fault) {
  for (const FaultInfo& f : kFaults) {
    if (f.fault == fault) return f;
  }
  return kFaults[0];
}

std::string request_text(const AdapterRequest& r) {
  return r.op == AdapterRequest::Op::kPut
             ? fmt::format("put {} = {}", quote_bytes(r.key), quote_bytes(r.value))
             : fmt::format("get {}", quote_bytes(r.key));
}

}  // namespace

std::string_view fault_name(Fault fault) {
  return info(fault).name;
}

bool fault_from_name(std::string_view name, Fault& fault) {
  for (const FaultInfo& f : kFaults) {
    if (f.name == name) {
      fault = f.fault;
      return true;
    }
  }
  return false;
}

bool answer_shape_from_name(std::string_view name, AnswerShape& shape) {
  for (const AnswerShape s : {AnswerShape::kWhole, AnswerShape::kSplit, AnswerShape::kByteByByte,
                              AnswerShape::kRandomChunks, AnswerShape::kSlow}) {
    if (answer_shape_name(s) == name) {
      shape = s;
      return true;
    }
  }
  return false;
}

bool step_op_from_name(std::string_view name, StepOp& op) {
  for (const StepOp o : {StepOp::kPut, StepOp::kGet, StepOp::kBatch, StepOp::kClose}) {
    if (step_op_name(o) == name) {
      op = o;
      return true;
    }
  }
  return false;
}

std::string_view fault_rule(Fault fault) {
  return info(fault).rule;
}

bool fault_is_framing_error(Fault fault) {
  return fault == Fault::kLenAboveMax || fault == Fault::kLenBelowFive ||
         fault == Fault::kBadFooter;
}

bool fault_is_timeout(Fault fault) {
  return fault == Fault::kSilence || fault == Fault::kStall || fault == Fault::kDripPastTimeout;
}

bool fault_ends_stream(Fault fault) {
  return fault_is_framing_error(fault) || fault_is_timeout(fault) || fault == Fault::kCloseBefore ||
         fault == Fault::kTruncate || fault == Fault::kResetBefore || fault == Fault::kResetInside;
}

std::string_view answer_shape_name(AnswerShape shape) {
  switch (shape) {
    case AnswerShape::kWhole:
      return "whole";
    case AnswerShape::kSplit:
      return "split";
    case AnswerShape::kByteByByte:
      return "byte-by-byte";
    case AnswerShape::kRandomChunks:
      return "random-chunks";
    case AnswerShape::kSlow:
      return "slow";
  }
  return "?";
}

std::string_view step_op_name(StepOp op) {
  switch (op) {
    case StepOp::kPut:
      return "put";
    case StepOp::kGet:
      return "get";
    case StepOp::kBatch:
      return "batch";
    case StepOp::kClose:
      return "close";
  }
  return "?";
}

std::string describe_answer(const ServerAnswer& a) {
  std::string text = a.fault == Fault::kNone ? std::string("the model's answer")
                                             : fmt::format("{} {} (SPEC {})", fault_name(a.fault),
                                                           a.param, fault_rule(a.fault));
  if (a.form != ResponseForm::kCanonical) text += fmt::format(", {}", response_form_name(a.form));
  if (a.fill_len != 0) text += fmt::format(", value filled to LEN {}", a.fill_len);
  if (a.leftover) text += ", then a stale frame in the same write";
  return text;
}

std::string describe_step(const ClientStep& s) {
  if (s.op == StepOp::kClose) return "close";
  std::string text;
  if (s.op == StepOp::kBatch) {
    text = "batch [";
    for (std::size_t i = 0; i < s.requests.size(); ++i) {
      text += (i > 0 ? ", " : "") + request_text(s.requests[i]);
    }
    text += "]";
  } else {
    text = request_text(s.requests.at(0));
  }
  if (s.refuse) return text + "; the server refuses connections";
  text += "; answers: ";
  for (std::size_t i = 0; i < s.answers.size(); ++i) {
    text += (i > 0 ? "; " : "") + describe_answer(s.answers[i]);
  }
  text += s.each_at_once ? "; each as its request arrives" : "; together after the last request";
  switch (s.shape) {
    case AnswerShape::kWhole:
      break;
    case AnswerShape::kSplit:
      text += fmt::format(", split in two (seed {})", s.shape_seed);
      break;
    case AnswerShape::kByteByByte:
      text += ", byte by byte";
      break;
    case AnswerShape::kRandomChunks:
      text +=
          fmt::format(", in random writes of up to {} bytes (seed {})", s.max_chunk, s.shape_seed);
      break;
    case AnswerShape::kSlow:
      text += fmt::format(", in two writes {} ms apart", s.pause_ms);
      break;
  }
  if (s.extra_frame) text += "; then a frame nobody asked for";
  return text;
}

std::vector<std::string> describe_program(const ClientProgram& program) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < program.steps.size(); ++i) {
    lines.push_back(fmt::format("{}. {}", i + 1, describe_step(program.steps[i])));
  }
  return lines;
}

std::size_t program_requests(const ClientProgram& program) {
  std::size_t n = 0;
  for (const ClientStep& s : program.steps) n += s.requests.size();
  return n;
}

std::size_t program_faults(const ClientProgram& program) {
  std::size_t n = 0;
  for (const ClientStep& s : program.steps) {
    for (const ServerAnswer& a : s.answers) n += a.fault != Fault::kNone ? 1 : 0;
    n += s.refuse ? 1 : 0;
  }
  return n;
}

std::uint64_t program_data_bytes(const ClientProgram& program) {
  std::uint64_t n = 0;
  for (const ClientStep& s : program.steps) {
    for (const AdapterRequest& r : s.requests) n += r.key.size() + r.value.size();
    for (const ServerAnswer& a : s.answers) n += a.fill_len;
  }
  return n;
}

}  // namespace kv
