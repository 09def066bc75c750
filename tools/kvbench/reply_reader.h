// Turns a connection's incoming bytes into protocol-neutral replies: the
// kv frame decoder for kv, the RESP reply parser for resp.
#pragma once

#include <memory>
#include <string_view>

#include "codec/buffer.h"
#include "tools/kvbench/request_templates.h"

namespace kv {

enum class ReplyKind {
  kPutAck,   // kv {kind 3, Ok}; RESP +OK.
  kGetHit,   // kv {kind 2, Ok}; RESP bulk string.
  kGetMiss,  // kv {kind 2, NotOk}; RESP null bulk string.
  kOther,    // Any other well-formed reply (kv error kinds, RESP -ERR).
};

struct Reply {
  ReplyKind kind = ReplyKind::kOther;
  // kv only: the reply carries a key, which must equal the request's.
  bool has_key = false;
  std::string_view key;
  std::string_view value;
};

enum class ReadStatus {
  kReply,     // `reply` holds the next reply; valid until the next call.
  kNeedMore,  // No whole reply is buffered.
  kBroken,    // The stream cannot be parsed any further.
};

class ReplyReader {
 public:
  virtual ~ReplyReader() = default;
  // Where the connection's socket reads go (ensure_writable, write_ptr,
  // commit).
  virtual Buffer& input() = 0;
  virtual ReadStatus next(Reply& reply) = 0;
};

std::unique_ptr<ReplyReader> make_reply_reader(WireProtocol protocol);

}  // namespace kv
