#include "tools/kvdump/event_json.h"

#include <string>

namespace kv {

nlohmann::ordered_json event_json(const StreamEvent& event) {
  nlohmann::ordered_json json;
  json["offset"] = event.offset;
  if (event.is_frame()) {
    json["len"] = event.len;
    json["key"] = event.message.key;
    json["value"] = event.message.value;
    json["kind"] = event.message.kind;
    json["status"] = event.message.status;
    return json;
  }
  if (!is_framing_error(*event.error)) json["len"] = event.len;
  json["error"] = std::string(frame_error_name(*event.error));
  return json;
}

}  // namespace kv
