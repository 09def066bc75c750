// Constants of the KV frame format. Normative text: spec/SPEC.md, section 2.
//
// A frame is LEN (4 bytes, unsigned little-endian) + BODY + FOOTER, where
// FOOTER is the five ASCII bytes "@EOF@" and LEN = len(BODY) + 5.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kv {

inline constexpr std::size_t kHeaderBytes = 4;
inline constexpr std::array<std::uint8_t, 5> kFooter = {'@', 'E', 'O', 'F', '@'};
inline constexpr std::size_t kFooterBytes = kFooter.size();

// The smallest legal LEN: an empty body plus the footer (SPEC 2.3).
inline constexpr std::uint32_t kMinFrameLen = kFooterBytes;
// The default largest legal LEN, 4 MiB (SPEC 3.1).
inline constexpr std::uint32_t kDefaultMaxFrameLen = 4U * 1024U * 1024U;
// The largest maximum an implementation of this kit accepts: protobuf cannot
// parse a body of 2 GiB or more.
inline constexpr std::uint32_t kMaxConfigurableFrameLen = 0x7FFFFFFFU;

// Values of KeyValueMessage.kind (SPEC 4.6).
enum Kind : std::uint32_t {
  kKindError = 0,
  kKindGet = 1,
  kKindGetResponse = 2,
  kKindPutOrUpdate = 3,
};

// Reads LEN from the first kHeaderBytes of `header`.
inline std::uint32_t read_frame_len(const std::uint8_t* header) {
  return static_cast<std::uint32_t>(header[0]) |
         (static_cast<std::uint32_t>(header[1]) << 8U) |
         (static_cast<std::uint32_t>(header[2]) << 16U) |
         (static_cast<std::uint32_t>(header[3]) << 24U);
}

// Writes `len` as the kHeaderBytes little-endian bytes at `header`.
inline void write_frame_len(std::uint32_t len, std::uint8_t* header) {
  header[0] = static_cast<std::uint8_t>(len);
  header[1] = static_cast<std::uint8_t>(len >> 8U);
  header[2] = static_cast<std::uint8_t>(len >> 16U);
  header[3] = static_cast<std::uint8_t>(len >> 24U);
}

}  // namespace kv
