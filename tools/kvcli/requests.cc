#include "tools/kvcli/requests.h"

#include <string>

#include "codec/frame_format.h"

namespace kv {

Message make_put_request(std::string_view key, std::string_view value) {
  Message request;
  request.set_key(std::string(key));
  request.set_value(std::string(value));
  request.set_kind(kKindPutOrUpdate);
  return request;
}

Message make_get_request(std::string_view key) {
  Message request;
  request.set_key(std::string(key));
  request.set_kind(kKindGet);
  return request;
}

}  // namespace kv
