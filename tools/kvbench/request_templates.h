// Pre-encoded request frames for every key of the keyspace, in either wire
// protocol. A PUT is copied from its template and then stamped in place, so
// sending a request costs one memcpy and no encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/buffer.h"
#include "tools/kvbench/workload.h"

namespace kv {

enum class WireProtocol { kKv, kResp };

// "kv" or "resp".
std::string_view wire_protocol_name(WireProtocol protocol);

// One PUT (or SET) frame and one GET frame for one key.
std::string encode_put_request(WireProtocol protocol, std::string_view key, std::string_view value);
std::string encode_get_request(WireProtocol protocol, std::string_view key);

class RequestTemplates {
 public:
  RequestTemplates(WireProtocol protocol, const WorkloadShape& shape);

  // Appends the PUT of key `index` with a value stamped `stamp`.
  void append_put(std::uint64_t index, std::uint64_t stamp, Buffer& out) const;
  // Appends the GET of key `index`.
  void append_get(std::uint64_t index, Buffer& out) const;

  const std::string& key(std::uint64_t index) const { return keys_[index]; }

 private:
  WorkloadShape shape_;
  std::vector<std::string> keys_;
  std::vector<std::string> puts_;
  std::vector<std::string> gets_;
  // Where the value starts, counted from the end of a PUT frame; the same
  // for every key because keys and values have fixed sizes.
  std::size_t value_offset_from_end_ = 0;
};

}  // namespace kv
