// The worked examples of the decision sheet (section 1) as test data.
#pragma once

#include <string>

#include "codec/decoded_stream.h"
#include "codec/frame_format.h"

namespace kv::test {

// PUT k="k" v="v": 0d 00 00 00 | 0a 01 6b 12 01 76 18 03 | 40 45 4f 46 40.
inline const std::string kPutFrame(
    "\x0d\x00\x00\x00\x0a\x01\x6b\x12\x01\x76\x18\x03\x40\x45\x4f\x46\x40", 17);
inline const MessageFields kPutFields{"k", "v", kKindPutOrUpdate, 0};

// Its acknowledgement: 07 00 00 00 | 18 03 | 40 45 4f 46 40.
inline const std::string kPutAckFrame("\x07\x00\x00\x00\x18\x03\x40\x45\x4f\x46\x40", 11);
inline const MessageFields kPutAckFields{"", "", kKindPutOrUpdate, 0};

// The empty message: 05 00 00 00 | | 40 45 4f 46 40.
inline const std::string kEmptyFrame("\x05\x00\x00\x00\x40\x45\x4f\x46\x40", 9);

}  // namespace kv::test
