#include "tools/kvbench/resp_reply_parser.h"

#include <cstring>
#include <optional>

namespace kv {
namespace {

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The offset of the first "\r\n" in `text`, if any.
std::optional<std::size_t> find_crlf(std::string_view text) {
  const std::size_t at = text.find("\r\n");
  if (at == std::string_view::npos) return std::nullopt;
  return at;
}

// Parses the decimal length of a bulk string header: "-1" or digits only.
// std::nullopt if malformed or above kMaxRespBulkBytes; -1 for null.
std::optional<std::int64_t> parse_bulk_length(std::string_view digits) {
  if (digits == "-1") return -1;
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > kMaxRespBulkBytes) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

RespParseResult parse_bulk(std::string_view text, std::size_t header_end, RespReply& reply) {
  const std::optional<std::int64_t> length = parse_bulk_length(text.substr(1, header_end - 1));
  if (!length) return {RespParseStatus::kProtocolError, 0};
  const std::size_t data_start = header_end + 2;
  if (*length < 0) {
    reply = {RespReplyType::kNull, {}};
    return {RespParseStatus::kReply, data_start};
  }
  const auto size = static_cast<std::size_t>(*length);
  if (text.size() < data_start + size + 2) return {RespParseStatus::kNeedMore, 0};
  if (text.substr(data_start + size, 2) != "\r\n") return {RespParseStatus::kProtocolError, 0};
  reply = {RespReplyType::kBulkString, text.substr(data_start, size)};
  return {RespParseStatus::kReply, data_start + size + 2};
}

}  // namespace

RespParseResult parse_resp_reply(std::span<const std::uint8_t> input, RespReply& reply) {
  const std::string_view text = as_text(input);
  if (text.empty()) return {RespParseStatus::kNeedMore, 0};
  const char type = text.front();
  if (type != '+' && type != '-' && type != '$') return {RespParseStatus::kProtocolError, 0};
  const std::optional<std::size_t> header_end = find_crlf(text);
  if (!header_end) {
    // A bulk header is at most "$" + 10 digits; a longer line without CRLF
    // is not one. Simple strings and errors may be long, so wait for them.
    if (type == '$' && text.size() > 12) return {RespParseStatus::kProtocolError, 0};
    return {RespParseStatus::kNeedMore, 0};
  }
  if (type == '$') return parse_bulk(text, *header_end, reply);
  reply.type = type == '+' ? RespReplyType::kSimpleString : RespReplyType::kError;
  reply.payload = text.substr(1, *header_end - 1);
  return {RespParseStatus::kReply, *header_end + 2};
}

}  // namespace kv
