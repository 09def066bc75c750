#include "tests/client/flawed_client.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <span>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"
#include "net/tcp_connect.h"
#include "tests/conformance/field_scanner.h"

namespace kv {
namespace {

constexpr std::uint32_t kOneMib = 1024 * 1024;
constexpr std::string_view kFooterText = "@EOF@";

bool ends_connection(const std::string& error) {
  return !error.empty() && error != "bad-body" && error != "error-response" &&
         error != "unexpected-response";
}

std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// UTF-8 judged by its structure alone: each lead byte followed by as many
// continuation bytes as it announces. Overlong forms, surrogates and code
// points above U+10FFFF pass (the flaw utf8-structure-only).
bool utf8_structure_ok(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80                   ? 1
                               : lead >= 0xF0 && lead < 0xF8 ? 4
                               : lead >= 0xE0                ? 3
                               : lead >= 0xC0                ? 2
                                                             : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) return false;
    }
    i += length;
  }
  return true;
}

bool has_four_byte_sequence(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
}

}  // namespace

FlawedClient::FlawedClient(ClientFlaw flaw, Endpoint server, std::chrono::milliseconds timeout,
                           std::uint32_t max_frame_len)
    : flaw_(flaw),
      server_(std::move(server)),
      timeout_(timeout),
      max_frame_len_(flaw == ClientFlaw::kMax1Mib ? std::min(max_frame_len, kOneMib)
                                                  : max_frame_len) {}

net::Deadline FlawedClient::deadline() const {
  return flaw_ == ClientFlaw::kNoTimeout ? net::kNoDeadline : net::deadline_after(timeout_);
}

AdapterResult FlawedClient::run(const AdapterCommand& command) {
  if (command.op == AdapterCommand::Op::kClose) {
    if (flaw_ == ClientFlaw::kCloseLeaksConnection) {
      (void)socket_.release();  // The descriptor stays open, forgotten.
    } else if (flaw_ != ClientFlaw::kCloseIsNoop) {
      socket_.reset();
    }
    return closed_result();
  }
  std::vector<AdapterResult> results = exchange(command.requests);
  if (command.op == AdapterCommand::Op::kBatch) return batch_result(std::move(results));
  return results.at(0);
}

std::string FlawedClient::connect() {
  if (flaw_ != ClientFlaw::kKeepsBufferAcrossConnections) input_.clear();
  pending_footer_ = 0;
  ended_ = reset_ = false;
  const std::error_code error = net::connect_tcp(server_, {timeout_, 0}, socket_);
  if (!error) return {};
  return flaw_ == ClientFlaw::kConnectErrorIsTimeout ? "timeout" : "connect-failed";
}

std::vector<AdapterResult> FlawedClient::exchange(const std::vector<AdapterRequest>& requests) {
  if (!socket_.valid()) {
    if (const std::string error = connect(); !error.empty()) {
      return std::vector<AdapterResult>(requests.size(), error_result(error));
    }
  }
  std::string frames;
  for (const AdapterRequest& request : requests) {
    std::string key = request.key;
    std::string value = request.value;
    if (flaw_ == ClientFlaw::kNulTerminatedStrings) {
      key = key.c_str();
      value = value.c_str();
    }
    if (flaw_ == ClientFlaw::kKeysCutAt255 && key.size() > 255) key.resize(255);
    Message message = request.op == AdapterRequest::Op::kPut ? make_put(key, value) : make_get(key);
    if (flaw_ == ClientFlaw::kPutWrongKind && request.op == AdapterRequest::Op::kPut) {
      message.set_kind(kKindGet);
    }
    frames += encode_frame_to_string(message);
  }
  if (net::write_all(socket_.get(), bytes_of(frames), deadline())) {
    socket_.reset();
    return std::vector<AdapterResult>(requests.size(), error_result("closed"));
  }
  std::vector<Response> responses;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    responses.push_back(read_response(deadline()));
    if (!ends_connection(responses.back().error)) continue;
    if (!keeps_connection_after(responses.back().error)) socket_.reset();
    responses.resize(requests.size(), responses.back());
    break;
  }
  if (flaw_ == ClientFlaw::kPairsInReverse) std::reverse(responses.begin(), responses.end());
  std::vector<AdapterResult> results;
  for (std::size_t i = 0; i < requests.size(); ++i)
    results.push_back(judge(requests[i], responses[i]));
  return results;
}

bool FlawedClient::keeps_connection_after(const std::string& error) const {
  switch (flaw_) {
    case ClientFlaw::kReusesConnection:
      return true;
    case ClientFlaw::kNoReconnectAfterClose:
      return error == "closed" || error == "reset" || error == "truncated";
    case ClientFlaw::kReusesAfterTimeout:
      return error == "timeout";
    default:
      return false;
  }
}

std::string FlawedClient::fill(net::Deadline deadline) {
  if (!socket_.valid()) return "io-error";
  char chunk[64 * 1024];
  const net::ReadResult got = net::read_some(
      socket_.get(), {reinterpret_cast<std::uint8_t*>(chunk), sizeof chunk}, deadline);
  if (got.bytes > 0) {
    input_.append(chunk, got.bytes);
    return {};
  }
  if (got.eof || got.error == std::errc::connection_reset) {
    ended_ = true;
    reset_ = !got.eof;
    return {};
  }
  return got.error == std::errc::timed_out ? "timeout" : "io-error";
}

std::string FlawedClient::next_body(std::string& body, bool& complete) {
  complete = false;
  if (pending_footer_ > 0) {
    // The footer of the frame before, skipped unchecked as it arrives.
    const std::size_t skipped = std::min(pending_footer_, input_.size());
    input_.erase(0, skipped);
    pending_footer_ -= skipped;
    if (pending_footer_ > 0) return {};
  }
  if (input_.size() < kHeaderBytes) return {};
  std::uint32_t len = read_frame_len(reinterpret_cast<const std::uint8_t*>(input_.data()));
  const bool too_small = flaw_ == ClientFlaw::kSignedLen      ? static_cast<std::int32_t>(len) < 5
                         : flaw_ == ClientFlaw::kLen5TooSmall ? len <= kMinFrameLen
                                                              : len < kMinFrameLen;
  if (too_small) {
    if (flaw_ != ClientFlaw::kShortLenAsEmptyBody) return "length-too-small";
    len = kMinFrameLen;
  }
  const bool too_large =
      flaw_ == ClientFlaw::kMaxLenExclusive ? len >= max_frame_len_ : len > max_frame_len_;
  if (too_large && flaw_ != ClientFlaw::kTrustsLen) return "length-too-large";
  if (flaw_ == ClientFlaw::kScanForFooter) {
    const std::size_t footer = input_.find(kFooterText, kHeaderBytes);
    if (footer == std::string::npos) return {};
    body = input_.substr(kHeaderBytes, footer - kHeaderBytes);
    input_.erase(0, footer + kFooterText.size());
    complete = true;
    return {};
  }
  const std::size_t frame_bytes = kHeaderBytes + static_cast<std::size_t>(len);
  if (flaw_ == ClientFlaw::kFooterNotAwaited) {
    if (input_.size() < frame_bytes - kFooterBytes) return {};
    body = input_.substr(kHeaderBytes, len - kFooterBytes);
    input_.erase(0, frame_bytes - kFooterBytes);
    pending_footer_ = kFooterBytes;
    complete = true;
    return {};
  }
  if (input_.size() < frame_bytes) return {};
  const std::string_view footer =
      std::string_view(input_).substr(frame_bytes - kFooterBytes, kFooterBytes);
  const bool footer_ok = flaw_ == ClientFlaw::kNoFooterCheck         ? true
                         : flaw_ == ClientFlaw::kFooterFirstByteOnly ? footer[0] == '@'
                                                                     : footer == kFooterText;
  if (!footer_ok) return "bad-footer";
  body = input_.substr(kHeaderBytes, len - kFooterBytes);
  last_frame_ = input_.substr(0, frame_bytes);
  input_.erase(0, frame_bytes);
  complete = true;
  return {};
}

FlawedClient::Response FlawedClient::read_response(net::Deadline deadline) {
  Response response;
  if (flaw_ == ClientFlaw::kOneReadOneFrame) {
    // One read, taken as one whole frame; whatever else it held is lost.
    if (input_.empty() && !ended_) response.error = fill(deadline);
    if (!response.error.empty()) return response;
    std::string body;
    bool complete = false;
    response.error = next_body(body, complete);
    if (response.error.empty() && !complete) response.error = "truncated";
    input_.clear();
    if (response.error.empty()) response.error = parse_body(body, response.message);
    return response;
  }
  for (;;) {
    std::string body;
    bool complete = false;
    response.error = next_body(body, complete);
    if (!response.error.empty()) return response;
    if (complete) {
      response.body = body;
      response.error = parse_body(body, response.message);
      if (response.error == "bad-body" && flaw_ == ClientFlaw::kBadBodyNotConsumed) {
        input_.insert(0, last_frame_);
      }
      return response;
    }
    if (ended_) {
      if (reset_) {
        response.error = flaw_ == ClientFlaw::kResetIsClosed ? "closed" : "reset";
      } else if (!input_.empty()) {
        if (flaw_ == ClientFlaw::kHangsOnTruncation) {
          for (;;) ::poll(nullptr, 0, -1);  // Waits for bytes that never come.
        }
        response.error = "truncated";
      } else {
        response.error = "closed";
      }
      return response;
    }
    response.error =
        fill(flaw_ == ClientFlaw::kTimeoutPerRead ? net::deadline_after(timeout_) : deadline);
    if (!response.error.empty()) return response;
  }
}

bool FlawedClient::scan_message(const std::string& body, Message& message) const {
  message.Clear();
  return scan_fields(bytes_of(body), [&](const ScannedField& field) {
    const bool right_type = field.wire_type == (field.number <= 2 ? 2U : 0U);
    if (field.number < 1 || field.number > 4 || !right_type) return;
    if (field.number == 1) message.set_key(std::string(field.bytes));
    if (field.number == 2) message.set_value(std::string(field.bytes));
    if (field.number == 3) message.set_kind(static_cast<std::uint32_t>(field.varint));
    if (field.number == 4) message.set_status(static_cast<Status>(field.varint));
  });
}

std::string FlawedClient::parse_body(const std::string& body, Message& message) const {
  bool rejected = false;
  std::vector<ScannedField> first_of(5);
  const bool scanned = scan_fields(bytes_of(body), [&](const ScannedField& field) {
    const bool known = field.number >= 1 && field.number <= 4;
    const bool right_type = field.wire_type == (field.number <= 2 ? 2U : 0U);
    if (flaw_ == ClientFlaw::kRejectsUnknownFields && (!known || !right_type)) rejected = true;
    if (flaw_ == ClientFlaw::kMinimalVarintsOnly && field.non_minimal) rejected = true;
    if (flaw_ == ClientFlaw::kRejectsExplicitDefaults && known && right_type &&
        (field.number <= 2 ? field.bytes.empty() : field.varint == 0)) {
      rejected = true;
    }
    if (known && right_type && first_of[field.number].number == 0) first_of[field.number] = field;
  });
  bool parsed = message.ParseFromString(body);
  if (!parsed && flaw_ == ClientFlaw::kUtf8Unchecked) {
    // What protobuf refused is read again with no UTF-8 check.
    parsed = scan_message(body, message);
  } else if (!parsed && flaw_ == ClientFlaw::kUtf8StructureOnly) {
    // ... or with a check of lead bytes and continuation counts only.
    parsed = scan_message(body, message) && utf8_structure_ok(message.key()) &&
             utf8_structure_ok(message.value());
  } else if (!parsed && flaw_ == ClientFlaw::kTruncatedFieldIgnored) {
    // The fields before the break are kept.
    scan_message(body, message);
    parsed = true;
  }
  if (parsed && flaw_ == ClientFlaw::kNoGroupSupport && !scanned) rejected = true;
  if (parsed && flaw_ == ClientFlaw::kBmpOnly &&
      (has_four_byte_sequence(message.key()) || has_four_byte_sequence(message.value()))) {
    rejected = true;
  }
  if (parsed && flaw_ == ClientFlaw::kFirstFieldWins) {
    if (first_of[1].number != 0) message.set_key(std::string(first_of[1].bytes));
    if (first_of[2].number != 0) message.set_value(std::string(first_of[2].bytes));
    if (first_of[3].number != 0) message.set_kind(static_cast<std::uint32_t>(first_of[3].varint));
    if (first_of[4].number != 0) message.set_status(static_cast<Status>(first_of[4].varint));
  }
  if (!parsed && flaw_ == ClientFlaw::kCrashesOnBadBody) std::abort();
  return parsed && !rejected ? "" : "bad-body";
}

std::string FlawedClient::read_value(std::string value) const {
  switch (flaw_) {
    case ClientFlaw::kNulTerminatedStrings:
      return value.c_str();
    case ClientFlaw::kStripsWhitespace: {
      constexpr std::string_view kSpace = " \t\n\r\v\f";
      const std::size_t first = value.find_first_not_of(kSpace);
      if (first == std::string::npos) return {};
      return value.substr(first, value.find_last_not_of(kSpace) - first + 1);
    }
    case ClientFlaw::kControlCharsDropped:
      std::erase_if(value, [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      });
      return value;
    case ClientFlaw::kLatin1Decoding: {
      std::string out;
      for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80) {
          out += c;
        } else {
          out += static_cast<char>(0xC0 | (u >> 6U));
          out += static_cast<char>(0x80 | (u & 0x3FU));
        }
      }
      return out;
    }
    case ClientFlaw::kValuesCutAt64k:
      if (value.size() > 65535) value.resize(65535);
      return value;
    default:
      return value;
  }
}

bool FlawedClient::same_key(const std::string& response_key, const std::string& request_key) const {
  switch (flaw_) {
    case ClientFlaw::kKeyNotChecked:
      return true;
    case ClientFlaw::kKeyComparedAsCString:
      return std::strcmp(response_key.c_str(), request_key.c_str()) == 0;
    case ClientFlaw::kKeyCaseInsensitive:
      return response_key.size() == request_key.size() &&
             std::equal(response_key.begin(), response_key.end(), request_key.begin(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    case ClientFlaw::kKeyPrefixMatch:
      return response_key.starts_with(request_key);
    default:
      return response_key == request_key;
  }
}

AdapterResult FlawedClient::judge(const AdapterRequest& request, const Response& response) const {
  if (!response.error.empty()) {
    if (response.error == "closed" && flaw_ == ClientFlaw::kClosedIsMiss &&
        request.op == AdapterRequest::Op::kGet) {
      return not_found_result();
    }
    return error_result(response.error);
  }
  const Message& m = response.message;
  if (flaw_ == ClientFlaw::kIgnoresKind) {
    if (request.op == AdapterRequest::Op::kPut) return stored_result();
    if (m.key() != request.key) return error_result("unexpected-response");
    return m.status() == Ok ? found_result(m.value()) : not_found_result();
  }
  const bool error_response = flaw_ == ClientFlaw::kErrorResponseNeedsNotOk
                                  ? m.kind() == kKindError && m.status() == NotOk
                                  : m.kind() == kKindError;
  if (error_response) return error_result("error-response");
  if (request.op == AdapterRequest::Op::kPut) {
    if (flaw_ == ClientFlaw::kAckBytesCompared) {
      return response.body == "\x18\x03" ? stored_result() : error_result("unexpected-response");
    }
    const bool status_ok = m.status() == Ok || flaw_ == ClientFlaw::kPutIgnoresStatus;
    if (m.kind() != kKindPutOrUpdate || !status_ok) return error_result("unexpected-response");
    return stored_result();
  }
  if (m.kind() != kKindGetResponse) return error_result("unexpected-response");
  if (!same_key(m.key(), request.key)) return error_result("unexpected-response");
  if (m.status() == Ok) {
    if (m.value().empty() && flaw_ == ClientFlaw::kEmptyValueIsMiss) return not_found_result();
    return found_result(read_value(m.value()));
  }
  if (m.status() == NotOk && flaw_ == ClientFlaw::kMissIsError)
    return error_result("error-response");
  if (m.status() == NotOk || flaw_ == ClientFlaw::kUnknownStatusIsMiss) return not_found_result();
  return error_result("unexpected-response");
}

}  // namespace kv
