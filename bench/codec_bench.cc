// Throughput of the frame codec, with baselines measured in the same run on
// the same bodies: bare protobuf ParseFromArray / SerializeToArray, the bare
// view parser (parse_message_view), and memcpy of the same bytes.
// bench/codec-ratios compares them.
//
// Two shapes: small (16-byte key, 100-byte value) and large (1 MiB value).
// Decoding is measured on both paths, next() into a kv::Message (parsed by
// parse_message(), which copies key and value into the message) and
// next_view() into a kv::MessageView (zero copy), with the whole input
// fed at once and with the input fed in 1 KiB chunks (the decoder drained
// after every chunk, as a server does). For small frames the input is a
// stream of kSmallFramesPerStream frames, so that a chunk holds several
// frames. Every benchmark reports bytes/s (frame bytes for the codec and
// memcpy, body bytes for the bare parsers) and items/s (messages), so that
// costs per message can be compared.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/message.h"
#include "codec/message_view.h"

namespace {

constexpr std::size_t kSmallKeyBytes = 16;
constexpr std::size_t kSmallValueBytes = 100;
constexpr std::size_t kLargeValueBytes = 1024 * 1024;
constexpr std::size_t kChunkBytes = 1024;
constexpr std::size_t kSmallFramesPerStream = 64;

enum class Shape { kSmall, kLarge };

// Printable ASCII that is not one repeated byte, so that nothing in the
// codec or the allocator can take a shortcut on uniform data.
std::string text_of(std::size_t size, char first) {
  std::string text(size, ' ');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>(first + (i * 7) % 26);
  return text;
}

kv::Message message_of(Shape shape) {
  kv::Message message;
  message.set_key(text_of(kSmallKeyBytes, 'a'));
  message.set_value(text_of(shape == Shape::kSmall ? kSmallValueBytes : kLargeValueBytes, 'A'));
  message.set_kind(kv::kKindPutOrUpdate);
  return message;
}

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

// The input of the decode benchmarks: one frame (large) or a stream of
// kSmallFramesPerStream frames (small).
struct DecodeInput {
  std::vector<std::uint8_t> stream;
  std::size_t messages;
};

DecodeInput decode_input_of(Shape shape) {
  const std::string frame = kv::encode_frame_to_string(message_of(shape));
  const std::size_t messages = shape == Shape::kSmall ? kSmallFramesPerStream : 1;
  std::string stream;
  for (std::size_t i = 0; i < messages; ++i) stream += frame;
  return {bytes_of(stream), messages};
}

// The next frame into a Message (protobuf) or a MessageView (zero copy).
kv::DecodeResult next_frame(kv::FrameDecoder& decoder, kv::Message& message) {
  return decoder.next(message);
}
kv::DecodeResult next_frame(kv::FrameDecoder& decoder, kv::MessageView& view) {
  return decoder.next_view(view);
}

// Takes frames until the decoder needs more input; aborts on anything but
// whole frames, since the input is known to be valid.
template <typename Body>
std::size_t drain(kv::FrameDecoder& decoder, Body& body) {
  std::size_t frames = 0;
  for (;;) {
    const kv::DecodeResult result = next_frame(decoder, body);
    if (result.status == kv::DecodeStatus::kNeedMore) return frames;
    if (result.status != kv::DecodeStatus::kFrame) std::abort();
    benchmark::DoNotOptimize(body);
    ++frames;
  }
}

void set_counters(benchmark::State& state, std::size_t bytes, std::size_t messages) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages));
}

// Body is kv::Message for next(), kv::MessageView for next_view().
template <typename Body>
void decode_one_shot(benchmark::State& state, Shape shape) {
  const DecodeInput input = decode_input_of(shape);
  kv::FrameDecoder decoder;
  Body body;
  for (auto _ : state) {
    decoder.feed(input.stream);
    if (drain(decoder, body) != input.messages) std::abort();
  }
  set_counters(state, input.stream.size(), input.messages);
}

template <typename Body>
void decode_chunked(benchmark::State& state, Shape shape) {
  const DecodeInput input = decode_input_of(shape);
  const std::span<const std::uint8_t> stream(input.stream);
  kv::FrameDecoder decoder;
  Body body;
  for (auto _ : state) {
    std::size_t frames = 0;
    for (std::size_t at = 0; at < stream.size(); at += kChunkBytes) {
      decoder.feed(stream.subspan(at, std::min(kChunkBytes, stream.size() - at)));
      frames += drain(decoder, body);
    }
    if (frames != input.messages) std::abort();
  }
  set_counters(state, input.stream.size(), input.messages);
}

void BM_DecodeOneShot(benchmark::State& state, Shape shape) {
  decode_one_shot<kv::Message>(state, shape);
}
void BM_DecodeChunked(benchmark::State& state, Shape shape) {
  decode_chunked<kv::Message>(state, shape);
}
void BM_DecodeViewOneShot(benchmark::State& state, Shape shape) {
  decode_one_shot<kv::MessageView>(state, shape);
}
void BM_DecodeViewChunked(benchmark::State& state, Shape shape) {
  decode_chunked<kv::MessageView>(state, shape);
}

void BM_Encode(benchmark::State& state, Shape shape) {
  const kv::Message message = message_of(shape);
  kv::Buffer out;
  std::size_t frame_bytes = 0;
  for (auto _ : state) {
    if (kv::encode_frame(message, out)) std::abort();
    frame_bytes = out.readable_bytes();
    benchmark::DoNotOptimize(out.peek());
    out.consume_all();
  }
  set_counters(state, frame_bytes, 1);
}

void BM_ProtobufParse(benchmark::State& state, Shape shape) {
  const std::string body = message_of(shape).SerializeAsString();
  kv::Message message;
  for (auto _ : state) {
    if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) std::abort();
    benchmark::DoNotOptimize(message);
  }
  set_counters(state, body.size(), 1);
}

void BM_ViewParse(benchmark::State& state, Shape shape) {
  const std::string text = message_of(shape).SerializeAsString();
  const std::vector<std::uint8_t> body = bytes_of(text);
  for (auto _ : state) {
    const std::optional<kv::MessageView> view = kv::parse_message_view(body);
    if (!view) std::abort();
    benchmark::DoNotOptimize(view);
  }
  set_counters(state, body.size(), 1);
}

void BM_ProtobufSerialize(benchmark::State& state, Shape shape) {
  const kv::Message message = message_of(shape);
  std::vector<std::uint8_t> body(message.ByteSizeLong());
  for (auto _ : state) {
    if (!message.SerializeToArray(body.data(), static_cast<int>(body.size()))) std::abort();
    benchmark::DoNotOptimize(body.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, body.size(), 1);
}

// Copies one frame's bytes: the floor for anything that moves them.
void BM_Memcpy(benchmark::State& state, Shape shape) {
  const std::vector<std::uint8_t> frame = bytes_of(kv::encode_frame_to_string(message_of(shape)));
  std::vector<std::uint8_t> copy(frame.size());
  for (auto _ : state) {
    std::memcpy(copy.data(), frame.data(), frame.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, frame.size(), 1);
}

}  // namespace

BENCHMARK_CAPTURE(BM_DecodeOneShot, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_DecodeChunked, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_DecodeViewOneShot, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_DecodeViewChunked, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_ProtobufParse, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_ViewParse, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_Encode, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_ProtobufSerialize, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_Memcpy, small, Shape::kSmall);
BENCHMARK_CAPTURE(BM_DecodeOneShot, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_DecodeChunked, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_DecodeViewOneShot, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_DecodeViewChunked, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_ProtobufParse, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_ViewParse, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_Encode, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_ProtobufSerialize, large, Shape::kLarge);
BENCHMARK_CAPTURE(BM_Memcpy, large, Shape::kLarge);

BENCHMARK_MAIN();
