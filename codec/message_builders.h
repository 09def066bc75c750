// The requests and responses of SPEC section 5, built in one place so that
// servers, clients, the runner and the tests agree on every field.
#pragma once

#include <cstdint>
#include <string_view>

#include "message.h"

namespace kv {

// A PUT of `value` under `key` (SPEC 5.1).
Message make_put(std::string_view key, std::string_view value);
// A GET of `key` (SPEC 5.2, 5.3).
Message make_get(std::string_view key);
// The acknowledgement of a PUT: {kind: 3, status: Ok} (SPEC 5.1).
Message make_put_ack();
// A GET hit: {key, value, kind: 2, status: Ok} (SPEC 5.2).
Message make_get_hit(std::string_view key, std::string_view value);
// A GET miss: {key, kind: 2, status: NotOk} (SPEC 5.3).
Message make_get_miss(std::string_view key);
// The answer to a request of any other kind K: {kind: K, status: NotOk} (SPEC 5.6).
Message make_unknown_kind_response(std::uint32_t kind);
// The error response: {kind: 0, status: NotOk} (SPEC 6.1, 6.4).
Message make_error_response();

// True when the four fields are equal; unknown fields are not compared.
bool same_message(const Message& a, const Message& b);

}  // namespace kv
