// The error classes a KV client reports (SPEC 13.13), as std::error_code
// values. Their names are the ones the client adapter contract uses
// (spec/client-adapter.md); the framing classes reuse SPEC 6.6's names.
#pragma once

#include <optional>
#include <string_view>
#include <system_error>

#include "codec/frame_error.h"

namespace kv {

enum class ClientError {
  // The connection could not be opened (lookup, refusal, timeout).
  kConnectFailed = 1,
  // The server sent a LEN below 5 (SPEC 2.3).
  kLengthTooSmall,
  // The server sent a LEN above the client's maximum (SPEC 3.2).
  kLengthTooLarge,
  // The five bytes after a response body were not "@EOF@" (SPEC 2.2).
  kBadFooter,
  // A well-framed response whose body is not a KeyValueMessage (SPEC 4.4).
  kBadBody,
  // The server closed the connection inside a response frame (SPEC 6.5).
  kTruncated,
  // The server closed the connection before a response began.
  kClosed,
  // The server reset the connection before a response was complete.
  kReset,
  // No whole response arrived within the client's timeout.
  kTimeout,
  // The server answered with the error response {kind: 0} (SPEC 6.1, 6.4).
  kErrorResponse,
  // A well-formed response that does not answer the request: another kind,
  // a GET response for another key, or a status other than Ok and NotOk.
  kUnexpectedResponse,
  // Any other socket error.
  kIoError,
};

// "connect-failed", "length-too-small", ..., "io-error".
std::string_view client_error_name(ClientError error);
// The inverse of client_error_name(); std::nullopt for an unknown name.
std::optional<ClientError> client_error_from_name(std::string_view name);
// The client error for a framing error or bad body of the codec.
ClientError client_error_of(FrameError error);
// True for the errors after which the connection cannot be used again:
// every class but kBadBody, kErrorResponse and kUnexpectedResponse, which
// leave the response stream in step with the requests.
bool ends_connection(ClientError error);

const std::error_category& client_error_category();
std::error_code make_error_code(ClientError error);

}  // namespace kv

template <>
struct std::is_error_code_enum<kv::ClientError> : std::true_type {};
