#include "conformance/wire/read_event.h"

#include "conformance/wire/messages.h"

namespace kv {

std::string describe_event(const ReadEvent& event) {
  switch (event.kind) {
    case ReadEventKind::kFrame:
      return "response " + describe_message(event.message);
    case ReadEventKind::kBadBody:
      return "a response frame whose body does not parse: " + event.detail;
    case ReadEventKind::kBadFrame:
      return "a response stream with a framing error: " + event.detail;
    case ReadEventKind::kEof:
      return "server closed the connection (EOF)" + event.detail;
    case ReadEventKind::kReset:
      return "server reset the connection (RST)" + event.detail;
    case ReadEventKind::kTimeout:
      return "no complete response within " + event.detail;
    case ReadEventKind::kIoError:
      return "socket error: " + event.detail;
  }
  return "?";
}

}  // namespace kv
