// kvdump: decodes a KV frame stream (a file, or stdin) and prints one JSON
// event per frame, bad body or framing error, in the format of spec/vectors.
// Bodies are read with the codec's zero-copy view parser
// (FrameDecoder::next_view), which accepts exactly what protobuf accepts.
//
//   kvdump [--max-frame-bytes N] [FILE]
//
// Exit status: 0 if no error event was printed, 1 if one was, 2 for a usage
// error or an input that cannot be read.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "codec/decoded_stream.h"
#include "codec/frame_decoder.h"
#include "common/version.h"
#include "tools/kvdump/event_json.h"

namespace kv {
namespace {

constexpr int kExitClean = 0;
constexpr int kExitErrorEvents = 1;
constexpr int kExitUsage = 2;
constexpr std::size_t kReadChunkBytes = 64 * 1024;

struct Options {
  std::string path = "-";
  std::uint64_t max_frame_bytes = kDefaultMaxFrameLen;
};

// Parses the command line into `options`. Returns an exit status when the
// program must stop now (help was printed, or the usage is wrong).
std::optional<int> parse_options(int argc, char** argv, Options& options) {
  CLI::App app{"Decodes a KV frame stream and prints one JSON event per line (spec/vectors)."};
  app.add_option("file", options.path, "The stream to decode; '-' or nothing reads stdin.");
  app.add_option("--max-frame-bytes", options.max_frame_bytes,
                 "The largest legal LEN (SPEC 3.1), default 4194304.")
      ->check(CLI::Range(std::uint64_t{kMinFrameLen}, std::uint64_t{kMaxConfigurableFrameLen}));
  app.set_version_flag("--version", kv::version_line("kvdump"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help_or_version) {
    return app.exit(help_or_version);
  } catch (const CLI::ParseError& error) {
    std::cerr << "kvdump: " << error.what() << " (see --help)\n";
    return kExitUsage;
  }
  return std::nullopt;
}

// Opens the input; stdin for "-". Returns -1 and sets errno on failure.
int open_input(const std::string& path) {
  if (path == "-") return STDIN_FILENO;
  return ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
}

// Reads up to kReadChunkBytes from `fd` straight into the decoder's input.
// Returns the byte count (0 at end of stream), or -1 with errno set.
ssize_t read_chunk(int fd, FrameDecoder& decoder) {
  Buffer& input = decoder.input();
  input.ensure_writable(kReadChunkBytes);
  ssize_t n = 0;
  do {
    n = ::read(fd, input.write_ptr(), kReadChunkBytes);
  } while (n < 0 && errno == EINTR);
  if (n > 0) input.commit(static_cast<std::size_t>(n));
  return n;
}

// Prints `events`, one JSON object per line, and forgets them. Returns true
// if one of them was an error event.
bool print_events(StreamEvents& events) {
  bool printed_error = false;
  for (const StreamEvent& event : events) {
    std::cout << event_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
    printed_error = printed_error || !event.is_frame();
  }
  events.clear();
  return printed_error;
}

// Decodes the whole of `fd`, printing the events of each read as soon as it
// is decoded, and returns the exit status.
int dump(int fd, const Options& options) {
  FrameDecoder decoder(DecoderOptions{static_cast<std::uint32_t>(options.max_frame_bytes)});
  StreamEvents events;
  bool printed_error = false;
  while (!decoder.failed()) {
    const ssize_t n = read_chunk(fd, decoder);
    if (n < 0) {
      std::cout.flush();
      std::cerr << "kvdump: cannot read " << options.path << ": " << std::strerror(errno) << '\n';
      return kExitUsage;
    }
    if (n == 0) {
      finish_events(decoder, BodyParser::kView, events);
      printed_error = print_events(events) || printed_error;
      break;
    }
    drain_events(decoder, BodyParser::kView, events);
    printed_error = print_events(events) || printed_error;
  }
  std::cout.flush();
  return printed_error ? kExitErrorEvents : kExitClean;
}

int run(int argc, char** argv) {
  Options options;
  if (const auto status = parse_options(argc, argv, options)) return *status;
  const int fd = open_input(options.path);
  if (fd < 0) {
    std::cerr << "kvdump: cannot open " << options.path << ": " << std::strerror(errno) << '\n';
    return kExitUsage;
  }
  const int status = dump(fd, options);
  if (fd != STDIN_FILENO) ::close(fd);
  return status;
}

}  // namespace
}  // namespace kv

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return kv::run(argc, argv);
}
