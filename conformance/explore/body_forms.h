// The frame bytes of one concrete explore request (one copy, its wire key
// in place: request_encoding.h makes those), in the body form it names:
// canonical proto3, or one of the other forms SPEC 4.2 and 4.5 make legal,
// or the garbage body or framing error it stands for.
#pragma once

#include <string>

#include "conformance/explore/program.h"

namespace kv {

// The frame of one concrete request (see concrete_copy in request_encoding.h).
std::string encode_one(const Request& concrete);

}  // namespace kv
