#include "conformance/explore/program.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "codec/frame_format.h"
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
    case BodyForm::kReversedFields:
      return " +fields reversed";
    case BodyForm::kNonMinimalLengths:
      return " +non-minimal tags and lengths";
    case BodyForm::kWrongWireTypes:
      return " +known fields with wrong wire types";
    case BodyForm::kUnknownGroup:
      return " +unknown group";
  }
  return "";
}

template <class E>
struct Names {
  E value;
  std::string_view name;
};

constexpr Names<RequestOp> kOps[] = {{RequestOp::kPut, "put"},
                                     {RequestOp::kGet, "get"},
                                     {RequestOp::kOtherKind, "other-kind"},
                                     {RequestOp::kGarbageBody, "garbage-body"},
                                     {RequestOp::kFramingError, "framing-error"},
                                     {RequestOp::kSpoiledPut, "spoiled-put"}};
constexpr Names<BodyForm> kForms[] = {{BodyForm::kCanonical, "canonical"},
                                      {BodyForm::kUnknownFields, "unknown-fields"},
                                      {BodyForm::kExplicitDefaults, "explicit-defaults"},
                                      {BodyForm::kNonMinimalVarint, "non-minimal-varint"},
                                      {BodyForm::kRepeatedFields, "repeated-fields"},
                                      {BodyForm::kReversedFields, "reversed-fields"},
                                      {BodyForm::kNonMinimalLengths, "non-minimal-lengths"},
                                      {BodyForm::kWrongWireTypes, "wrong-wire-types"},
                                      {BodyForm::kUnknownGroup, "unknown-group"}};
constexpr Names<FramingClass> kFramings[] = {{FramingClass::kLengthTooSmall, "length-too-small"},
                                             {FramingClass::kLengthTooLarge, "length-too-large"},
                                             {FramingClass::kBadFooter, "bad-footer"}};
constexpr Names<StepAction> kActions[] = {{StepAction::kSend, "send"},
                                          {StepAction::kRead, "read"},
                                          {StepAction::kReadSlowly, "read-slowly"},
                                          {StepAction::kReadPromptly, "read-promptly"},
                                          {StepAction::kPause, "pause"},
                                          {StepAction::kHalfClose, "half-close"},
                                          {StepAction::kClose, "close"},
                                          {StepAction::kReset, "reset"},
                                          {StepAction::kChurn, "churn"},
                                          {StepAction::kTerminate, "terminate"}};
constexpr Names<ShapeKind> kShapes[] = {{ShapeKind::kWhole, "whole"},
                                        {ShapeKind::kSplitAt, "split"},
                                        {ShapeKind::kByteByByte, "byte-by-byte"},
                                        {ShapeKind::kRandomChunks, "random-chunks"},
                                        {ShapeKind::kSlowDrip, "slow-drip"}};

constexpr Names<ChurnEnd> kChurnEnds[] = {{ChurnEnd::kFin, "fin"},
                                          {ChurnEnd::kReset, "rst"},
                                          {ChurnEnd::kMidFrame, "mid-frame"},
                                          {ChurnEnd::kResetMidFrame, "rst-mid-frame"},
                                          {ChurnEnd::kUnread, "unread"}};

template <class E, std::size_t N>
std::string_view lookup_name(const Names<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <class E, std::size_t N>
bool lookup_value(const Names<E> (&table)[N], std::string_view name, E& out) {
  for (const auto& entry : table) {
    if (entry.name == name) {
      out = entry.value;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view name_of(RequestOp op) { return lookup_name(kOps, op); }
std::string_view name_of(BodyForm form) { return lookup_name(kForms, form); }
std::string_view name_of(FramingClass framing) { return lookup_name(kFramings, framing); }
std::string_view name_of(StepAction action) { return lookup_name(kActions, action); }
std::string_view name_of(ShapeKind shape) { return lookup_name(kShapes, shape); }
std::string_view name_of(ChurnEnd end) { return lookup_name(kChurnEnds, end); }
bool parse_name(std::string_view name, RequestOp& out) { return lookup_value(kOps, name, out); }
bool parse_name(std::string_view name, BodyForm& out) { return lookup_value(kForms, name, out); }
bool parse_name(std::string_view name, FramingClass& out) {
  return lookup_value(kFramings, name, out);
}
bool parse_name(std::string_view name, StepAction& out) {
  return lookup_value(kActions, name, out);
}
bool parse_name(std::string_view name, ShapeKind& out) { return lookup_value(kShapes, name, out); }
bool parse_name(std::string_view name, ChurnEnd& out) {
  return lookup_value(kChurnEnds, name, out);
}

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
    case RequestOp::kSpoiledPut:
      text = fmt::format("PUT {} = {} spoiled by {}", quote_bytes(r.key), quote_bytes(r.value),
                         quote_bytes(kSpoiledTails[r.tail % kSpoiledTailCount]));
      break;
    case RequestOp::kFramingError:
      text = fmt::format("{} frame (LEN {}", name_of(r.framing), r.len);
      if (r.framing == FramingClass::kBadFooter) {
        text = fmt::format("bad-footer PUT {} = {} (", quote_bytes(r.key), quote_bytes(r.value));
      }
      text +=
          fmt::format("{} more bytes)", r.framing == FramingClass::kBadFooter ? 0 : r.value.size());
      break;
  }
  if (r.status != 0) text += fmt::format(" status {}", r.status);
  if (r.tag_last) text += " (tag last)";
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
    case StepAction::kReadPromptly:
      return c + " read every response due, each within the response timeout";
    case StepAction::kPause:
      return fmt::format("pause {} ms", s.ms);
    case StepAction::kHalfClose:
      return c + " half-close (FIN), read what is due, expect a close";
    case StepAction::kClose:
      return c + " close without reading";
    case StepAction::kReset:
      return c + " reset (RST)";
    case StepAction::kChurn:
      switch (s.churn_end) {
        case ChurnEnd::kFin:
          return fmt::format("open and close {} connections without a byte", s.count);
        case ChurnEnd::kReset:
          return fmt::format("open and reset (RST) {} connections without a byte", s.count);
        case ChurnEnd::kMidFrame:
          return fmt::format("open {} connections, each closed in the middle of a frame", s.count);
        case ChurnEnd::kResetMidFrame:
          return fmt::format("open {} connections, each reset (RST) in the middle of a frame",
                             s.count);
        case ChurnEnd::kUnread:
          return fmt::format("open {} connections, each closed after a GET, its answer unread",
                             s.count);
      }
      return "?";
    case StepAction::kTerminate: {
      std::string text = "SIGTERM to the server (a drain, SPEC 12.5)";
      if (s.count > 0) {
        text = fmt::format("pipeline {} GETs of a 64 KiB value on a connection that never reads, "
                           "then {}", s.count, text);
      }
      if (s.ms > 0) text += fmt::format(", a second SIGTERM {} ms later if it still runs", s.ms);
      return text + "; the server is started again";
    }
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
    if (s.action != StepAction::kPause && s.action != StepAction::kChurn &&
        s.action != StepAction::kTerminate) {
      used.insert(s.conn);
    }
  }
  return used.size();
}

bool stops_server(const Program& program) {
  return std::any_of(program.steps.begin(), program.steps.end(),
                     [](const Step& s) { return s.action == StepAction::kTerminate; });
}

}  // namespace kv
