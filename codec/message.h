// The protocol message as the codec hands it out: the protobuf class
// generated from spec/kv.proto. Every component shares this one type.
#pragma once

#include "kv.pb.h"

namespace kv {

using Message = KeyValueMessage;

// Stops libprotobuf from logging to stderr when it rejects a body (for
// example a string field holding invalid UTF-8). Rejections are reported as
// FrameError::kBadBody instead. Call once, early in main().
void silence_protobuf_logging();

}  // namespace kv
