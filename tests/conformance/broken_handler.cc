#include "broken_handler.h"

#include <algorithm>

#include "codec/frame_format.h"

namespace kv {
namespace {

Message status_reply(std::uint32_t kind, Status status) {
  Message reply;
  reply.set_kind(kind);
  reply.set_status(status);
  return reply;
}

bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
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
  return {disposition, status_reply(kKindError, NotOk)};
}

void BrokenHandler::apply_partial(const Message& request) {
  if (request.kind() == kKindPutOrUpdate) store_.put(request.key(), request.value());
}

Message BrokenHandler::handle_put(const Message& request) {
  if (refuses(request)) return status_reply(kKindPutOrUpdate, NotOk);
  store_value(request.key(), request.value());
  Message reply = status_reply(kKindPutOrUpdate, Ok);
  if (flaw_ == Flaw::kAckEchoesRequest) {
    reply.set_key(request.key());
    reply.set_value(request.value());
  }
  return reply;
}

Message BrokenHandler::handle_get(const Message& request) {
  Message reply = status_reply(kKindGetResponse, NotOk);
  reply.set_key(request.key());
  if (refuses(request)) return reply;
  if (flaw_ == Flaw::kGetWithValueStores && !request.value().empty()) {
    store_value(request.key(), request.value());
  }
  std::optional<std::string> value = lookup(request.key());
  if (flaw_ == Flaw::kEmptyValueIsMiss && value && value->empty()) value.reset();
  if (value) {
    reply.set_value(std::move(*value));
    reply.set_status(Ok);
  } else if (flaw_ == Flaw::kWrongMissStatus) {
    reply.set_status(Ok);
  }
  return reply;
}

HandlerReply BrokenHandler::handle_other_kind(const Message& request) const {
  const Disposition disposition =
      flaw_ == Flaw::kCloseOnUnknownKind ? Disposition::kClose : Disposition::kAnswer;
  return {disposition, status_reply(request.kind(), NotOk)};
}

std::optional<std::string> BrokenHandler::lookup(const std::string& key) {
  if (flaw_ != Flaw::kConnectionReadCache) return store_.get(key);
  if (const auto cached = read_cache_.find(key); cached != read_cache_.end()) {
    return cached->second;
  }
  std::optional<std::string> value = store_.get(key);
  if (value) read_cache_[key] = *value;
  return value;
}

void BrokenHandler::store_value(const std::string& key, const std::string& value) {
  if (flaw_ == Flaw::kConnectionReadCache) read_cache_[key] = value;
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
