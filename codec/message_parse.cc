#include "codec/message_parse.h"

#include <climits>
#include <cstddef>
#include <optional>

#include "codec/message_view.h"

namespace kv {

bool parse_message(std::span<const std::uint8_t> body, Message& message) {
  if (body.size() > static_cast<std::size_t>(INT_MAX)) return false;
  const std::optional<MessageView> view = parse_message_view(body);
  if (!view) return false;
  if (view->has_unknown_fields) [[unlikely]] {
    // Only protobuf knows how it stores unknown fields; it parses the body
    // again and must accept it, as the view parser did.
    return message.ParseFromArray(body.data(), static_cast<int>(body.size()));
  }
  // Clear() empties the strings but keeps their storage, and drops any
  // unknown fields of an earlier parse. An empty string is left as Clear()
  // made it, so that no storage is allocated for it.
  message.Clear();
  if (!view->key.empty()) message.mutable_key()->assign(view->key);
  if (!view->value.empty()) message.mutable_value()->assign(view->value);
  message.set_kind(view->kind);
  // proto3 enums are open: protobuf keeps a value outside the enum as it is.
  message.set_status(static_cast<Status>(view->status));
  return true;
}

}  // namespace kv
