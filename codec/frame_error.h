// The typed errors of the frame codec (SPEC section 6), usable as
// std::error_code values.
#pragma once

#include <optional>
#include <string_view>
#include <system_error>

namespace kv {

enum class FrameError {
  // LEN < 5: the frame cannot even hold its footer (SPEC 2.3).
  kLengthTooSmall = 1,
  // LEN above the configured maximum (SPEC 3.2).
  kLengthTooLarge = 2,
  // The five bytes after BODY are not "@EOF@" (SPEC 2.2).
  kBadFooter = 3,
  // A well-framed BODY that is not a valid KeyValueMessage (SPEC 4.4).
  kBadBody = 4,
  // The stream ended inside a frame (SPEC 6.5).
  kTruncated = 5,
};

// The stable, language-neutral name of an error class, as used in
// spec/vectors and in kvdump output: "length-too-small", "length-too-large",
// "bad-footer", "bad-body" or "truncated".
std::string_view frame_error_name(FrameError error);

// The inverse of frame_error_name(); std::nullopt for an unknown name.
std::optional<FrameError> frame_error_from_name(std::string_view name);

// True for the errors after which a stream cannot be resynchronised: all
// but kBadBody.
bool is_framing_error(FrameError error);

const std::error_category& frame_error_category();
std::error_code make_error_code(FrameError error);

}  // namespace kv

template <>
struct std::is_error_code_enum<kv::FrameError> : std::true_type {};
