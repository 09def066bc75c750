// RapidCheck generators of messages and byte streams for the codec
// properties. Sizes are capped so that a property runs in milliseconds.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <string>
#include <vector>

#include "codec/decoded_stream.h"

namespace kv::test {

// The maximum LEN a property decodes with: mostly the default, sometimes a
// small one that some generated frames exceed.
rc::Gen<std::uint32_t> gen_max_frame_len();

// Valid UTF-8 built from code points of every encoded length (no
// surrogates); now and then it holds the footer text "@EOF@".
rc::Gen<std::string> gen_utf8_string();

// Any message: UTF-8 key and value, any kind, status Ok, NotOk or any int.
rc::Gen<MessageFields> gen_message_fields();

// Frames that keep a stream decodable: a valid message, or a frame whose
// body is arbitrary bytes or bytes that never parse (a bad body).
rc::Gen<std::string> gen_resynchronising_frame();

// Bytes that start with a framing error: LEN 0..4, LEN above
// `max_frame_len`, or a frame with a wrong footer. Some junk may follow.
rc::Gen<std::string> gen_framing_error(std::uint32_t max_frame_len);

// Up to eight resynchronising frames, then, sometimes, a framing error.
rc::Gen<std::string> gen_mixed_stream(std::uint32_t max_frame_len);

// Ascending split points in [0, size].
rc::Gen<std::vector<std::size_t>> gen_cuts(std::size_t size);

// Frames of `messages`, encoded with encode_frame().
struct EncodedStream {
  std::string bytes;
  // The stream offset where each frame starts; one more entry, the total
  // size, ends the list.
  std::vector<std::size_t> boundaries;
};
EncodedStream encode_messages(const std::vector<MessageFields>& messages);

}  // namespace kv::test
