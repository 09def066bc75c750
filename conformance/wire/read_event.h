// What one attempt to read a response produced, and its description for
// reports. Apart from the session (wire_session.h) so that the explore
// model, which judges read events without doing I/O, needs no socket code.
#pragma once

#include <cstddef>
#include <string>

#include "codec/message.h"

namespace kv {

// What one attempt to read a response frame produced.
enum class ReadEventKind {
  kFrame,     // A whole response; `message` holds it.
  kBadBody,   // A well-framed response whose body does not parse.
  kBadFrame,  // A response stream with a framing error.
  kEof,       // The server closed the connection (FIN).
  kReset,     // The server reset the connection (RST).
  kTimeout,   // Nothing complete arrived before the deadline.
  kIoError,   // Any other socket error.
};

struct ReadEvent {
  ReadEventKind kind = ReadEventKind::kTimeout;
  Message message;
  std::string detail;
  // For kFrame: the frame's bytes as received, when at most kMaxRawBytes.
  std::string raw;
};

inline constexpr std::size_t kMaxRawBytes = 4096;

// "response {kind: 3, status: Ok}", "server closed the connection (EOF)", ...
std::string describe_event(const ReadEvent& event);

}  // namespace kv
