// A minimal parser for the RESP replies that SET and GET produce:
// simple strings ("+OK\r\n"), errors ("-ERR ...\r\n"), bulk strings
// ("$3\r\nabc\r\n") and the null bulk string ("$-1\r\n"). Integers and
// arrays are not replies to SET or GET; they are reported as protocol errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace kv {

enum class RespReplyType { kSimpleString, kError, kBulkString, kNull };

struct RespReply {
  RespReplyType type = RespReplyType::kNull;
  // The text of a simple string or error (without the type byte and CRLF),
  // or the bytes of a bulk string. Points into the parsed input.
  std::string_view payload;
};

enum class RespParseStatus {
  // One reply was parsed; `consumed` bytes belong to it.
  kReply,
  // The input holds no whole reply yet.
  kNeedMore,
  // The input does not start with a reply this parser accepts.
  kProtocolError,
};

struct RespParseResult {
  RespParseStatus status = RespParseStatus::kNeedMore;
  std::size_t consumed = 0;
};

// The largest bulk string length accepted, so that a corrupt length cannot
// make a caller wait for (or buffer) an absurd amount of input.
inline constexpr std::uint64_t kMaxRespBulkBytes = 512ULL * 1024 * 1024;

// Parses the first reply in `input`. On kReply, `reply` describes it.
RespParseResult parse_resp_reply(std::span<const std::uint8_t> input, RespReply& reply);

}  // namespace kv
