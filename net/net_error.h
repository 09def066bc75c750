// Errors of the network layer as std::error_code values.
//
// System calls report errno in std::system_category(). A failed name
// lookup reports getaddrinfo's own code in resolve_category(), whose
// message is gai_strerror's ("Name or service not known"), so that callers
// can tell "cannot resolve" from "cannot connect".
#pragma once

#include <system_error>

namespace kv::net {

// The calling thread's errno as an error_code.
std::error_code errno_error();

// getaddrinfo's error codes (EAI_*, negative ints on glibc).
const std::error_category& resolve_category();
std::error_code make_resolve_error(int gai_code);

// True when `error` is a failed name lookup (of resolve_category()).
bool is_resolve_error(const std::error_code& error);

}  // namespace kv::net
