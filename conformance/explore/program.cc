#include "conformance/explore/program.h"

#include <fmt/format.h>

#include <set>

#include "codec/frame_format.h"
#include "conformance/explore/request_encoding.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

std::string_view form_name(BodyForm form) {
  switch (form) {
    case BodyForm::kCanonical:
      return "";
    case BodyForm::kUnknownFields:
      return " +unknown fields";
    case BodyForm::kExplicitDefaults:
      return " +explicit defaults";
    case BodyForm::kNonMinimalVarint:
      return " +non-minimal varint";
    case BodyForm::kRepeatedFields:
      return " +repeated fields";
  }
  return "";
}

std::string_view framing_name(FramingClass framing) {
  switch (framing) {
    case FramingClass::kLengthTooSmall:
      return "length-too-small";
    case FramingClass::kLengthTooLarge:
      return "length-too-large";
    case FramingClass::kBadFooter:
      return "bad-footer";
  }
  return "?";
}

}  // namespace

StreamShape WriteShape::stream_shape() const {
  switch (kind) {
    case ShapeKind::kSplitAt:
      return StreamShape::split_at(cut);
    case ShapeKind::kByteByByte:
      return StreamShape::byte_by_byte();
    case ShapeKind::kRandomChunks:
      return StreamShape::random_chunks(seed, max_chunk);
    case ShapeKind::kSlowDrip:
      return StreamShape::slow_drip(std::chrono::milliseconds(drip_ms));
    default:
      return StreamShape::whole();
  }
}

std::string describe_request(const Request& r) {
  std::string text;
  switch (r.op) {
    case RequestOp::kPut:
      text = fmt::format("PUT {} = {}", quote_bytes(r.key), quote_bytes(r.value));
      break;
    case RequestOp::kGet:
      text = fmt::format("GET {}", quote_bytes(r.key));
      if (!r.value.empty()) text += fmt::format(" (value {})", quote_bytes(r.value));
      break;
    case RequestOp::kOtherKind:
      text = fmt::format("kind {}", r.kind);
      break;
    case RequestOp::kGarbageBody:
      text = fmt::format("bad body {}", quote_bytes(r.value));
      break;
    case RequestOp::kFramingError:
      text = fmt::format("{} frame (LEN {}", framing_name(r.framing), r.len);
      if (r.framing == FramingClass::kBadFooter) {
        text = fmt::format("bad-footer PUT {} = {} (", quote_bytes(r.key), quote_bytes(r.value));
      }
      text +=
          fmt::format("{} more bytes)", r.framing == FramingClass::kBadFooter ? 0 : r.value.size());
      break;
  }
  if (r.status != 0) text += fmt::format(" status {}", r.status);
  text += form_name(r.form);
  if (r.repeat > 1) text += fmt::format(" x{} (keys suffixed #i)", r.repeat);
  return text;
}

std::string describe_step(const Step& s) {
  const std::string c = fmt::format("c{}", s.conn + 1);
  switch (s.action) {
    case StepAction::kSend: {
      std::string text = c + " send [";
      for (std::size_t i = 0; i < s.requests.size(); ++i) {
        text += (i ? ", " : "") + describe_request(s.requests[i]);
      }
      text += "] as " + describe_shape(s.shape.stream_shape());
      if (s.hold > 0) text += fmt::format(", holding back its last {} bytes", s.hold);
      return text;
    }
    case StepAction::kRead:
      return c + " read every response due";
    case StepAction::kReadSlowly:
      return fmt::format("{} read every response due, one every {} ms", c, s.ms);
    case StepAction::kPause:
      return fmt::format("pause {} ms", s.ms);
    case StepAction::kHalfClose:
      return c + " half-close (FIN), read what is due, expect a close";
    case StepAction::kClose:
      return c + " close without reading";
    case StepAction::kReset:
      return c + " reset (RST)";
    case StepAction::kChurn:
      return fmt::format("open and close {} connections without a byte", s.count);
  }
  return "?";
}

std::vector<std::string> describe_program(const Program& program) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < program.steps.size(); ++i) {
    lines.push_back(fmt::format("{:>3}. {}", i + 1, describe_step(program.steps[i])));
  }
  return lines;
}

std::size_t program_connections(const Program& program) {
  std::set<int> used;
  for (const Step& s : program.steps) {
    if (s.action != StepAction::kPause && s.action != StepAction::kChurn) used.insert(s.conn);
  }
  return used.size();
}

std::uint64_t program_request_bytes(const Program& program) {
  std::uint64_t total = 0;
  for (const Step& s : program.steps) {
    for (const Request& r : s.requests)
      total += request_wire_bytes(r, "", kMaxConfigurableFrameLen);
  }
  return total;
}

}  // namespace kv
