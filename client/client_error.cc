#include "client/client_error.h"

#include <array>
#include <string>
#include <utility>

namespace kv {
namespace {

constexpr std::array<std::pair<ClientError, std::string_view>, 12> kNames = {{
    {ClientError::kConnectFailed, "connect-failed"},
    {ClientError::kLengthTooSmall, "length-too-small"},
    {ClientError::kLengthTooLarge, "length-too-large"},
    {ClientError::kBadFooter, "bad-footer"},
    {ClientError::kBadBody, "bad-body"},
    {ClientError::kTruncated, "truncated"},
    {ClientError::kClosed, "closed"},
    {ClientError::kReset, "reset"},
    {ClientError::kTimeout, "timeout"},
    {ClientError::kErrorResponse, "error-response"},
    {ClientError::kUnexpectedResponse, "unexpected-response"},
    {ClientError::kIoError, "io-error"},
}};

class ClientErrorCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "kv.client"; }
  std::string message(int code) const override {
    return std::string(client_error_name(static_cast<ClientError>(code)));
  }
};

}  // namespace

std::string_view client_error_name(ClientError error) {
  for (const auto& [value, name] : kNames) {
    if (value == error) return name;
  }
  return "unknown-client-error";
}

std::optional<ClientError> client_error_from_name(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

ClientError client_error_of(FrameError error) {
  switch (error) {
    case FrameError::kLengthTooSmall:
      return ClientError::kLengthTooSmall;
    case FrameError::kLengthTooLarge:
      return ClientError::kLengthTooLarge;
    case FrameError::kBadFooter:
      return ClientError::kBadFooter;
    case FrameError::kBadBody:
      return ClientError::kBadBody;
    case FrameError::kTruncated:
      return ClientError::kTruncated;
  }
  return ClientError::kIoError;
}

bool ends_connection(ClientError error) {
  return error != ClientError::kBadBody && error != ClientError::kErrorResponse &&
         error != ClientError::kUnexpectedResponse;
}

const std::error_category& client_error_category() {
  static const ClientErrorCategory category;
  return category;
}

std::error_code make_error_code(ClientError error) {
  return {static_cast<int>(error), client_error_category()};
}

}  // namespace kv
