#include "conformance/explore/request_encoding.h"

#include <fmt/format.h>

#include "codec/frame_format.h"
#include "conformance/cases/case_helpers.h"
#include "conformance/explore/body_forms.h"

namespace kv {


Request concrete_copy(const Request& request, std::string_view prefix, std::uint32_t copy) {
  Request out = request;
  out.key = request_key(request, prefix, copy);
  out.repeat = 1;
  if (request.op == RequestOp::kPut && request.fill_len > 0) {
    // The size is that of a canonical PUT: the other forms add bytes.
    out.form = BodyForm::kCanonical;
    out.status = 0;
    const std::size_t size = value_size_for_put_len(out.key, request.fill_len);
    if (size > 0) {
      out.value.resize(size, 'x');
    }
  }
  out.fill_len = 0;
  return out;
}


std::string request_key(const Request& request, std::string_view prefix, std::uint32_t copy) {
  // The empty key cannot be private: it goes out as it is (SPEC 5.5), and
  // the model does not check its history (spec_model.h).
  if (request.key.empty() && request.repeat <= 1) return {};
  // A request that is not a PUT or GET carries a key only if it was given one.
  if (request.key.empty() && request.op != RequestOp::kPut && request.op != RequestOp::kGet) {
    return {};
  }
  std::string key = request.key;
  if (request.repeat > 1) key += fmt::format("#{}", copy);
  return request.tag_last ? key + "/" + std::string(prefix) : std::string(prefix) + key;
}

std::string encode_request(const Request& request, std::string_view prefix) {
  std::string out;
  for (std::uint32_t i = 0; i < std::max<std::uint32_t>(1, request.repeat); ++i) {
    out += encode_one(concrete_copy(request, prefix, i));
  }
  return out;
}

std::size_t request_frame_bytes(const Request& request, std::string_view prefix) {
  const std::uint32_t last = std::max<std::uint32_t>(1, request.repeat) - 1;
  return encode_one(concrete_copy(request, prefix, last)).size();
}

std::uint64_t request_wire_bytes(const Request& request, std::string_view prefix,
                                 std::uint32_t /*max_frame_bytes*/) {
  return std::uint64_t{std::max<std::uint32_t>(1, request.repeat)} *
         request_frame_bytes(request, prefix);
}

std::uint64_t program_request_bytes(const Program& program) {
  std::uint64_t total = 0;
  for (const Step& s : program.steps) {
    for (const Request& r : s.requests) total += request_wire_bytes(r, "", kMaxConfigurableFrameLen);
  }
  return total;
}

}  // namespace kv
