#include "frame_error.h"

#include <array>
#include <string>
#include <utility>

namespace kv {
namespace {

constexpr std::array<std::pair<FrameError, std::string_view>, 5> kNames = {{
    {FrameError::kLengthTooSmall, "length-too-small"},
    {FrameError::kLengthTooLarge, "length-too-large"},
    {FrameError::kBadFooter, "bad-footer"},
    {FrameError::kBadBody, "bad-body"},
    {FrameError::kTruncated, "truncated"},
}};

class FrameErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kv.frame"; }
  std::string message(int value) const override {
    return std::string(frame_error_name(static_cast<FrameError>(value)));
  }
};

}  // namespace

std::string_view frame_error_name(FrameError error) {
  for (const auto& [value, name] : kNames) {
    if (value == error) return name;
  }
  return "unknown-frame-error";
}

std::optional<FrameError> frame_error_from_name(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool is_framing_error(FrameError error) { return error != FrameError::kBadBody; }

const std::error_category& frame_error_category() {
  static const FrameErrorCategory category;
  return category;
}

std::error_code make_error_code(FrameError error) {
  return {static_cast<int>(error), frame_error_category()};
}

}  // namespace kv
