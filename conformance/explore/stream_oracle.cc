#include "conformance/explore/stream_oracle.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/message_builders.h"
#include "codec/message_view.h"
#include "conformance/wire/messages.h"

namespace kv {

namespace {

// Bodies longer than this are checked for PUT prefixes only at their full
// length: the check parses every prefix, which costs the square of the size.
constexpr std::size_t kMaxPrefixScan = 16 * 1024;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The request a decoded frame carries, as the model's request entry.
Request request_of(const Message& m) {
  Request r;
  r.key = m.key();
  r.value = m.value();
  r.status = static_cast<std::uint32_t>(m.status());
  switch (m.kind()) {
    case kKindPutOrUpdate:
      r.op = RequestOp::kPut;
      break;
    case kKindGet:
      r.op = RequestOp::kGet;
      break;
    default:
      r.op = RequestOp::kOtherKind;
      r.kind = m.kind();
      r.value.clear();
      break;
  }
  return r;
}

}  // namespace

StreamOracle::StreamOracle(SpecModel& model, std::uint32_t max_frame_len)
    : model_(model), max_frame_len_(max_frame_len) {}

void StreamOracle::opened(int conn) { conns_.try_emplace(conn, max_frame_len_); }

StreamOracle::Conn* StreamOracle::find(int conn) {
  const auto it = conns_.find(conn);
  return it == conns_.end() ? nullptr : &it->second;
}

void StreamOracle::fail(std::string rule, std::string expected, std::string observed) {
  if (!failure_) {
    failure_ = ExploreFailure{std::move(rule), Level::kMust, step_, std::move(expected),
                              std::move(observed)};
  }
}

void StreamOracle::forbid_put_prefixes(std::span<const std::uint8_t> body, const std::string& rule) {
  const std::size_t shortest = body.size() > kMaxPrefixScan ? body.size() : 1;
  for (std::size_t n = shortest; n <= body.size(); ++n) {
    const std::optional<MessageView> view = parse_message_view(body.first(n));
    if (!view || view->kind != kKindPutOrUpdate) continue;
    model_.forbid(std::string(view->key), std::string(view->value), rule);
  }
}

void StreamOracle::client_wrote(int conn, std::span<const std::uint8_t> bytes, double now_ms) {
  Conn* c = find(conn);
  // After a framing error the server reads nothing more (6.1); after the
  // client's FIN or close it writes nothing more.
  if (c == nullptr || c->abandoned || c->end != End::kOpen) return;
  c->sent.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  c->requests.feed(bytes);
  decode_requests(*c, conn, now_ms);
}

void StreamOracle::decode_requests(Conn& c, int id, double now_ms) {
  for (;;) {
    Message m;
    const DecodeResult r = c.requests.next(m);
    if (r.status == DecodeStatus::kNeedMore) return;
    const std::size_t at = static_cast<std::size_t>(r.offset - c.sent_offset);
    const auto body = [&] {
      const std::size_t size = r.len >= kFooterBytes ? r.len - kFooterBytes : 0;
      return bytes_of(c.sent).subspan(at + kHeaderBytes, size);
    };
    if (r.status == DecodeStatus::kFramingError) {
      if (r.error == FrameError::kBadFooter) forbid_put_prefixes(body(), "6.2");
      c.end = End::kFramingError;
      c.sent.clear();
      return;
    }
    Request request;
    if (r.status == DecodeStatus::kFrame) {
      request = request_of(m);
    } else {
      request.op = RequestOp::kGarbageBody;
      request.value.assign(reinterpret_cast<const char*>(body().data()), body().size());
      forbid_put_prefixes(body(), "6.4");
    }
    const Expectation e = model_.expect(request, request, step_, id, now_ms);
    model_.sent(e);
    c.due.push_back(e);
    const std::size_t end = at + kHeaderBytes + r.len;
    c.sent.erase(0, end);
    c.sent_offset += end;
  }
}

void StreamOracle::client_half_closed(int conn, double /*now_ms*/) {
  Conn* c = find(conn);
  if (c == nullptr || c->abandoned || c->end != End::kOpen) return;
  c->end = End::kHalfClosed;
  // A frame cut by the end of the stream is discarded (6.5): no PUT that
  // what arrived of its body makes may take effect.
  if (c->sent.size() >= kHeaderBytes) {
    const std::uint32_t len = read_frame_len(reinterpret_cast<const std::uint8_t*>(c->sent.data()));
    const std::size_t body = std::min<std::size_t>(c->sent.size() - kHeaderBytes,
                                                   len >= kFooterBytes ? len - kFooterBytes : 0);
    if (len <= max_frame_len_) forbid_put_prefixes(bytes_of(c->sent).subspan(kHeaderBytes, body), "6.5");
  }
}

void StreamOracle::client_abandoned(int conn) {
  Conn* c = find(conn);
  if (c == nullptr || c->abandoned) return;
  client_half_closed(conn, 0);
  for (const Expectation& e : c->due) {
    if (e.op == RequestOp::kPut) model_.taint(e.key);
  }
  c->due.clear();
  c->abandoned = true;
}

void StreamOracle::server_wrote(int conn, std::span<const std::uint8_t> bytes, double now_ms) {
  Conn* c = find(conn);
  if (c == nullptr || c->abandoned || failure_) return;
  if (c->server_ended) {
    fail("6.1", "no byte after the server ended the connection",
         fmt::format("{} more bytes", bytes.size()));
    return;
  }
  c->responses.feed(bytes);
  c->received.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  while (!failure_) {
    ReadEvent event;
    const DecodeResult r = c->responses.next(event.message);
    if (r.status == DecodeStatus::kNeedMore) return;
    if (r.status != DecodeStatus::kFramingError) {
      // The frame as it came, for the strict check of canonical encoding.
      const std::size_t at = static_cast<std::size_t>(r.offset - c->received_offset);
      const std::size_t end = at + kHeaderBytes + r.len;
      if (r.len <= kMaxRawBytes) event.raw = c->received.substr(at, end - at);
      c->received.erase(0, end);
      c->received_offset += end;
    }
    if (r.status == DecodeStatus::kFramingError) {
      event.kind = ReadEventKind::kBadFrame;
      event.detail = std::string(frame_error_name(r.error));
    } else {
      event.kind = r.status == DecodeStatus::kFrame ? ReadEventKind::kFrame : ReadEventKind::kBadBody;
    }
    if (!c->due.empty()) {
      const Expectation e = c->due.front();
      c->due.pop_front();
      std::vector<const Expectation*> later;
      for (const Expectation& d : c->due) later.push_back(&d);
      if (auto f = model_.judge(e, event, now_ms, later)) {
        f->step = step_;
        failure_ = std::move(f);
      }
    } else if (c->end == End::kFramingError && !c->error_frame_seen &&
               event.kind == ReadEventKind::kFrame &&
               same_message(event.message, make_error_response())) {
      c->error_frame_seen = true;
    } else {
      fail(c->end == End::kFramingError ? "6.1" : "5.7",
           c->end == End::kFramingError
               ? "after the answers to the frames before a framing error, at most one error "
                 "response, then the close"
               : "exactly one response per request: none is due on this connection",
           describe_event(event));
    }
    if (event.kind == ReadEventKind::kBadFrame) return;
  }
}

void StreamOracle::server_closed(int conn, double /*now_ms*/) {
  Conn* c = find(conn);
  if (c == nullptr || c->server_ended) return;
  c->server_ended = true;
  if (c->abandoned || failure_) return;
  if (!c->responses.input().empty()) {
    fail("5.7", "every response whole before the server ends the connection",
         fmt::format("the connection ended {} bytes into a response",
                     c->responses.input().readable_bytes()));
    return;
  }
  if (!c->due.empty()) {
    const Expectation& e = c->due.front();
    switch (c->end) {
      case End::kFramingError:
        fail("6.3", fmt::format("{} is answered before the close that follows a framing error",
                                e.what),
             "the server ended the connection");
        break;
      case End::kHalfClosed:
        fail("8.2", fmt::format("{} is answered: every request before the client's FIN is", e.what),
             "the server ended the connection");
        break;
      case End::kOpen:
        fail("5.7", fmt::format("{} is answered", e.what), "the server ended the connection");
        break;
    }
    return;
  }
  if (c->end == End::kOpen) {
    fail("7.1",
         "the connection stays open: the client sent no framing error and no FIN, and no idle "
         "timeout runs in this simulation",
         "the server ended the connection");
  }
}

bool StreamOracle::awaits_server(int conn) const {
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return false;
  const Conn& c = it->second;
  return !c.abandoned && !c.server_ended && (!c.due.empty() || c.end != End::kOpen);
}

}  // namespace kv
