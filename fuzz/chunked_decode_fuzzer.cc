// Differential fuzz target (SPEC 2.5): the first bytes of the input choose
// a decoder maximum and a chunk schedule, the rest is the stream. The stream
// decoded in chunks must give exactly the events of the stream decoded in
// one piece; any difference aborts.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "codec/decoded_stream.h"
#include "codec/message.h"

namespace {

// Maxima around the interesting LEN values, the spec's default included.
// The seed corpus relies on index 0 being 1 MiB: vector seeds end with the
// two bytes 00 00, which FuzzedDataProvider (reading integers from the end)
// turns into "index 0, empty schedule", that is, byte by byte.
constexpr std::array<std::uint32_t, 6> kMaxFrameLens = {
    1024U * 1024U, kv::kMinFrameLen, kv::kMinFrameLen + 1, 64, 4096, kv::kDefaultMaxFrameLen};
constexpr std::size_t kMaxChunks = 16;
constexpr std::size_t kMaxChunkSize = 4096;

std::vector<std::size_t> consume_schedule(FuzzedDataProvider& provider) {
  std::vector<std::size_t> sizes(provider.ConsumeIntegralInRange<std::size_t>(0, kMaxChunks));
  for (std::size_t& size : sizes) {
    size = provider.ConsumeIntegralInRange<std::size_t>(1, kMaxChunkSize);
  }
  return sizes;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  kv::silence_protobuf_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const kv::DecoderOptions options{provider.PickValueInArray(kMaxFrameLens)};
  const std::vector<std::size_t> schedule = consume_schedule(provider);
  const std::vector<std::uint8_t> stream = provider.ConsumeRemainingBytes<std::uint8_t>();

  const kv::StreamEvents whole = kv::decode_stream(stream, {}, options);
  const kv::StreamEvents chunked =
      kv::decode_stream(stream, kv::chunk_cuts(stream.size(), schedule), options);
  if (whole != chunked) {
    std::fprintf(
        stderr,
        "chunked decoding differs (max %u, %zu chunk sizes)\n  whole:   %s\n  chunked: %s\n",
        options.max_frame_len, schedule.size(), kv::describe(whole).c_str(),
        kv::describe(chunked).c_str());
    __builtin_trap();
  }
  return 0;
}
