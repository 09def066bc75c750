#include "message.h"

#include <google/protobuf/stubs/logging.h>

namespace kv {

void silence_protobuf_logging() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel /*level*/,
                                     const char* /*filename*/, int /*line*/,
                                     const std::string& /*message*/) {});
}

}  // namespace kv
