// A frame body parsed into a kv::Message: the result of protobuf's
// ParseFromArray, obtained through the faster view parser where the two
// are known to agree.
//
// protobuf stays the reference. parse_message() is checked against
// ParseFromArray, on the same success and on byte-identical serializations
// (unknown fields included), by tests/codec/message_parse_test.cc and by
// the fuzz target fuzz/view_decode_fuzzer.cc, both in a fresh message and
// in one that held another body's fields. FrameDecoder::next(), which
// calls it, is checked against ParseFromArray field by field over whole
// streams by the same fuzz target, by tests/codec/frame_decoder_model_test.cc
// and by tests/vectors on every spec vector.
#pragma once

#include <cstdint>
#include <span>

#include "codec/message.h"

namespace kv {

// Parses `body` as the proto3 encoding of KeyValueMessage into `message`.
// Succeeds exactly when message.ParseFromArray(body) would, and on success
// leaves `message` equal to what ParseFromArray leaves: the same four
// fields and the same unknown fields, whatever `message` held before. On
// failure the contents of `message` are unspecified, as they are after a
// failed ParseFromArray.
//
// How: the body is read with parse_message_view(). A body it rejects is
// rejected, since the view parser fails exactly where protobuf does. A body
// that held unknown fields (view.has_unknown_fields) is parsed again with
// ParseFromArray, so that they are kept exactly as protobuf keeps them. Any
// other body is copied from the view into the cleared message, which reuses
// the message's string storage. A body longer than INT_MAX bytes, which
// ParseFromArray cannot take, is rejected.
[[nodiscard]] bool parse_message(std::span<const std::uint8_t> body, Message& message);

}  // namespace kv
