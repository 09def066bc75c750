#include "net/net_error.h"

#include <netdb.h>

#include <cerrno>
#include <string>

namespace kv::net {
namespace {

class ResolveCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "resolve"; }
  std::string message(int code) const override { return ::gai_strerror(code); }
};

}  // namespace

std::error_code errno_error() {
  return {errno, std::system_category()};
}

const std::error_category& resolve_category() {
  static const ResolveCategory category;
  return category;
}

std::error_code make_resolve_error(int gai_code) {
  return {gai_code, resolve_category()};
}

bool is_resolve_error(const std::error_code& error) {
  return error.category() == resolve_category();
}

}  // namespace kv::net
