#include "broken_handler.h"

#include <algorithm>

#include "codec/frame_format.h"
#include "codec/message_builders.h"
#include "text_rewrites.h"

namespace kv {
namespace {

// The truncate-long-keys flaw keeps this many bytes of a key.
constexpr std::size_t kKeptKeyBytes = 256;

bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// What the nul-terminated-keys flaw compares: the key up to its first
// U+0000, as a C string would hold it.
std::string up_to_nul(const std::string& key) {
  return key.substr(0, key.find('\0'));
}

// The key the exact-storage flaws store and look up in place of `key`
// (SPEC 5.9), or std::nullopt under every other flaw.
std::optional<std::string> rewritten_key(Flaw flaw, const std::string& key) {
  switch (flaw) {
    case Flaw::kFoldKeyCase:
      return fold_ascii_case(key);
    case Flaw::kTrimKeyWhitespace:
      return trim_ascii_whitespace(key);
    case Flaw::kNfcKeys:
      return small_nfc(key);
    default:
      return std::nullopt;
  }
}

}  // namespace

HandlerReply BrokenHandler::handle(const Message& request) {
  switch (request.kind()) {
    case kKindPutOrUpdate:
      return {Disposition::kAnswer, handle_put(request)};
    case kKindGet:
      return {Disposition::kAnswer, handle_get(request)};
    default:
      return handle_other_kind(request);
  }
}

HandlerReply BrokenHandler::handle_bad_body() const {
  const Disposition disposition =
      flaw_ == Flaw::kIgnoreBadBodyClose ? Disposition::kClose : Disposition::kAnswer;
  return {disposition, make_error_response()};
}

void BrokenHandler::apply_partial(const Message& request) {
  if (request.kind() == kKindPutOrUpdate) store_.put(request.key(), request.value());
}

Message BrokenHandler::handle_put(const Message& request) {
  Message reply = make_put_ack();
  if (refuses(request)) {
    reply.set_status(NotOk);  // A semantic flaw refuses the PUT.
    return reply;
  }
  store_value(request.key(), request.value());
  if (flaw_ == Flaw::kAckEchoesRequest) {
    reply.set_key(request.key());
    reply.set_value(request.value());
  }
  return reply;
}

Message BrokenHandler::handle_get(const Message& request) {
  Message miss = make_get_miss(request.key());
  if (refuses(request)) return miss;
  if (flaw_ == Flaw::kGetWithValueStores && !request.value().empty()) {
    store_value(request.key(), request.value());
  }
  std::optional<std::string> value = lookup(request.key());
  if (flaw_ == Flaw::kEmptyValueIsMiss && value && value->empty()) value.reset();
  if (value) return make_get_hit(request.key(), *value);
  // wrong-miss-status: the miss is answered with status Ok.
  if (flaw_ == Flaw::kWrongMissStatus) miss.set_status(Ok);
  return miss;
}

HandlerReply BrokenHandler::handle_other_kind(const Message& request) {
  // unknown-kind-applies: the store is written before the kind is looked
  // at, as by a handler that treats every request but a GET as a PUT.
  if (flaw_ == Flaw::kUnknownKindApplies && !request.key().empty()) {
    store_value(request.key(), request.value());
  }
  const Disposition disposition =
      flaw_ == Flaw::kCloseOnUnknownKind ? Disposition::kAnswerThenClose : Disposition::kAnswer;
  return {disposition, make_unknown_kind_response(request.kind())};
}

std::optional<std::string> BrokenHandler::lookup(const std::string& key) {
  if (const std::optional<std::string> rewritten = rewritten_key(flaw_, key)) {
    return store_.get(*rewritten);
  }
  if (flaw_ == Flaw::kTruncateLongKeys && key.size() > kKeptKeyBytes) {
    return store_.get(key.substr(0, kKeptKeyBytes));
  }
  if (flaw_ == Flaw::kNulTerminatedKeys) return store_.get(up_to_nul(key));
  if (flaw_ == Flaw::kStalePipelinedRead) {
    // The cache answers only the GETs that came pipelined behind another frame.
    const auto cached = read_cache_.find(key);
    if (!first_in_read_ && cached != read_cache_.end()) return cached->second;
    std::optional<std::string> value = store_.get(key);
    if (value) read_cache_[key] = *value;
    return value;
  }
  if (flaw_ != Flaw::kConnectionReadCache) return store_.get(key);
  if (const auto cached = read_cache_.find(key); cached != read_cache_.end()) {
    return cached->second;
  }
  std::optional<std::string> value = store_.get(key);
  if (value) read_cache_[key] = *value;
  return value;
}

void BrokenHandler::store_value(const std::string& key, const std::string& value) {
  if (flaw_ == Flaw::kConnectionReadCache || flaw_ == Flaw::kStalePipelinedRead) {
    read_cache_[key] = value;
  }
  if (flaw_ == Flaw::kTruncateLongKeys && key.size() > kKeptKeyBytes) {
    store_.put(key.substr(0, kKeptKeyBytes), value);
    return;
  }
  if (flaw_ == Flaw::kNulTerminatedKeys) {
    store_.put(up_to_nul(key), value);
    return;
  }
  if (const std::optional<std::string> rewritten = rewritten_key(flaw_, key)) {
    store_.put(*rewritten, value);
    return;
  }
  if (flaw_ == Flaw::kCrlfToLfValues) {
    store_.put(key, crlf_to_lf(value));
    return;
  }
  switch (flaw_) {
    case Flaw::kOverwriteIgnored:
      store_.put_if_absent(key, value);
      return;
    case Flaw::kLostUpdates:
      store_.put_racy(key, value);
      return;
    default:
      store_.put(key, value);
      return;
  }
}

bool BrokenHandler::refuses(const Message& request) const {
  switch (flaw_) {
    case Flaw::kEmptyKeyRejected:
      return request.key().empty();
    case Flaw::kPutChecksStatus:
      return request.kind() == kKindPutOrUpdate && request.status() != Ok;
    case Flaw::kNonAsciiRejected:
      return !is_ascii(request.key()) || !is_ascii(request.value());
    default:
      return false;
  }
}

}  // namespace kv
