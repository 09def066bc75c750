// The bytes of an explore request, and what a correct server reads from
// them (SPEC 4.2: every body form reads like the canonical one).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "conformance/explore/program.h"

namespace kv {

// The wire key of copy `copy` of `request` (the run's `prefix`, the logical
// key, and "#copy" when the request repeats). The empty key stays empty.
std::string request_key(const Request& request, std::string_view prefix, std::uint32_t copy);

// Copy `copy` of `request` as it goes on the wire: its wire key, its
// value after fill_len, repeat 1.
Request concrete_copy(const Request& request, std::string_view prefix, std::uint32_t copy);

// The frames of every copy of `request`, back to back.
std::string encode_request(const Request& request, std::string_view prefix);

// The size of one copy's frame.
std::size_t request_frame_bytes(const Request& request, std::string_view prefix);

// encode_request(...).size(), without building the bytes.
std::uint64_t request_wire_bytes(const Request& request, std::string_view prefix,
                                 std::uint32_t max_frame_bytes);

// The request bytes a program sends (the frames it would write, without
// the run's key prefix), for reports and the shrinker.
std::uint64_t program_request_bytes(const Program& program);

}  // namespace kv
