#include "message_builders.h"

#include <string>

#include "frame_format.h"

namespace kv {
namespace {

Message make_message(std::string_view key, std::string_view value, std::uint32_t kind,
                     Status status) {
  Message message;
  message.set_key(std::string(key));
  message.set_value(std::string(value));
  message.set_kind(kind);
  message.set_status(status);
  return message;
}

}  // namespace

Message make_put(std::string_view key, std::string_view value) {
  return make_message(key, value, kKindPutOrUpdate, Ok);
}

Message make_get(std::string_view key) { return make_message(key, {}, kKindGet, Ok); }

Message make_put_ack() { return make_message({}, {}, kKindPutOrUpdate, Ok); }

Message make_get_hit(std::string_view key, std::string_view value) {
  return make_message(key, value, kKindGetResponse, Ok);
}

Message make_get_miss(std::string_view key) {
  return make_message(key, {}, kKindGetResponse, NotOk);
}

Message make_unknown_kind_response(std::uint32_t kind) {
  return make_message({}, {}, kind, NotOk);
}

Message make_error_response() { return make_unknown_kind_response(kKindError); }

bool same_message(const Message& a, const Message& b) {
  return a.key() == b.key() && a.value() == b.value() && a.kind() == b.kind() &&
         a.status() == b.status();
}

}  // namespace kv
