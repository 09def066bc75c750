// Builders for the two requests of the protocol (SPEC 4.6, 5.1, 5.2).
#pragma once

#include <string_view>

#include "codec/message.h"

namespace kv {

// {key, value, kind: 3}: store `value` under `key`.
Message make_put_request(std::string_view key, std::string_view value);

// {key, kind: 1}: fetch the value stored under `key`.
Message make_get_request(std::string_view key);

}  // namespace kv
