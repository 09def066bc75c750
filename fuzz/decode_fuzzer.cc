// Fuzz target: the input is one byte stream, decoded in one piece with a
// reused message, then finished. Crashes, sanitizer reports and
// allocations that grow with a claimed LEN are the findings (SPEC 2, 3.3).
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/decode_events.h"
#include "codec/message.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  kv::silence_protobuf_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kv::DecoderOptions options{kv::fuzz::kFuzzMaxFrameLen};
  const kv::fuzz::DecodeEvents events = kv::fuzz::decode_whole({data, size}, options);
  // The event list always ends with the result of finish() or a failure.
  if (events.empty()) __builtin_trap();
  return 0;
}
