#include "tools/kvbench/reply_reader.h"

#include "codec/frame_decoder.h"
#include "codec/frame_format.h"
#include "codec/message.h"
#include "tools/kvbench/resp_reply_parser.h"

namespace kv {
namespace {

class KvReplyReader final : public ReplyReader {
 public:
  Buffer& input() override { return decoder_.input(); }

  ReadStatus next(Reply& reply) override {
    const DecodeResult result = decoder_.next(message_);
    switch (result.status) {
      case DecodeStatus::kNeedMore:
        return ReadStatus::kNeedMore;
      case DecodeStatus::kFramingError:
        return ReadStatus::kBroken;
      case DecodeStatus::kBadBody:
        reply = {};
        return ReadStatus::kReply;
      case DecodeStatus::kFrame:
        break;
    }
    reply = classify(message_);
    return ReadStatus::kReply;
  }

 private:
  static Reply classify(const Message& message) {
    Reply reply;
    const bool ok = message.status() == Status::Ok;
    if (message.kind() == kKindPutOrUpdate && ok) {
      reply.kind = ReplyKind::kPutAck;
    } else if (message.kind() == kKindGetResponse) {
      reply.kind = ok ? ReplyKind::kGetHit : ReplyKind::kGetMiss;
      reply.has_key = true;
      reply.key = message.key();
      reply.value = message.value();
    }
    return reply;
  }

  FrameDecoder decoder_;
  Message message_;
};

class RespReader final : public ReplyReader {
 public:
  Buffer& input() override { return input_; }

  ReadStatus next(Reply& reply) override {
    // The previous reply's bytes are released only now, so that its
    // payload stays valid until this call.
    input_.consume(pending_consume_);
    pending_consume_ = 0;
    RespReply parsed;
    const RespParseResult result = parse_resp_reply(input_.readable(), parsed);
    if (result.status == RespParseStatus::kNeedMore) return ReadStatus::kNeedMore;
    if (result.status == RespParseStatus::kProtocolError) return ReadStatus::kBroken;
    pending_consume_ = result.consumed;
    reply = classify(parsed);
    return ReadStatus::kReply;
  }

 private:
  static Reply classify(const RespReply& parsed) {
    Reply reply;
    if (parsed.type == RespReplyType::kSimpleString && parsed.payload == "OK") {
      reply.kind = ReplyKind::kPutAck;
    } else if (parsed.type == RespReplyType::kBulkString) {
      reply.kind = ReplyKind::kGetHit;
      reply.value = parsed.payload;
    } else if (parsed.type == RespReplyType::kNull) {
      reply.kind = ReplyKind::kGetMiss;
    }
    return reply;
  }

  Buffer input_;
  std::size_t pending_consume_ = 0;
};

}  // namespace

std::unique_ptr<ReplyReader> make_reply_reader(WireProtocol protocol) {
  if (protocol == WireProtocol::kKv) return std::make_unique<KvReplyReader>();
  return std::make_unique<RespReader>();
}

}  // namespace kv
