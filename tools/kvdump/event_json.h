// A decoded stream's events as JSON: the one rendering shared by kvdump and
// the spec/vectors tests (SPEC 6.6; format in spec/vectors/README.md).
//
// A decoded frame is {"offset","len","key","value","kind","status"}; a
// well-framed bad body is {"offset","len","error":"bad-body"}; a framing
// error or truncation is {"offset","error":CLASS} and is always the last
// event of its stream. Keys come out in that order.
#pragma once

#include <nlohmann/json.hpp>

#include "codec/decoded_stream.h"

namespace kv {

nlohmann::ordered_json event_json(const StreamEvent& event);

}  // namespace kv
