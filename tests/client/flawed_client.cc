#include "tests/client/flawed_client.h"

#include <poll.h>

#include <algorithm>
#include <cstdlib>
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
    socket_.reset();
    return closed_result();
  }
  std::vector<AdapterResult> results = exchange(command.requests);
  if (command.op == AdapterCommand::Op::kBatch) return batch_result(std::move(results));
  return results.at(0);
}

std::string FlawedClient::connect() {
  input_.clear();
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
    Message message = request.op == AdapterRequest::Op::kPut ? make_put(request.key, request.value)
                                                             : make_get(request.key);
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
    if (flaw_ != ClientFlaw::kReusesConnection) socket_.reset();
    responses.resize(requests.size(), responses.back());
    break;
  }
  if (flaw_ == ClientFlaw::kPairsInReverse) std::reverse(responses.begin(), responses.end());
  std::vector<AdapterResult> results;
  for (std::size_t i = 0; i < requests.size(); ++i)
    results.push_back(judge(requests[i], responses[i]));
  return results;
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
  if (input_.size() < kHeaderBytes) return {};
  std::uint32_t len = read_frame_len(reinterpret_cast<const std::uint8_t*>(input_.data()));
  if (len < kMinFrameLen) {
    if (flaw_ != ClientFlaw::kShortLenAsEmptyBody) return "length-too-small";
    len = kMinFrameLen;
  }
  if (len > max_frame_len_ && flaw_ != ClientFlaw::kTrustsLen) return "length-too-large";
  if (flaw_ == ClientFlaw::kScanForFooter) {
    const std::size_t footer = input_.find(kFooterText, kHeaderBytes);
    if (footer == std::string::npos) return {};
    body = input_.substr(kHeaderBytes, footer - kHeaderBytes);
    input_.erase(0, footer + kFooterText.size());
    complete = true;
    return {};
  }
  const std::size_t frame_bytes = kHeaderBytes + static_cast<std::size_t>(len);
  if (input_.size() < frame_bytes) return {};
  const std::string_view footer =
      std::string_view(input_).substr(frame_bytes - kFooterBytes, kFooterBytes);
  if (footer != kFooterText && flaw_ != ClientFlaw::kNoFooterCheck) return "bad-footer";
  body = input_.substr(kHeaderBytes, len - kFooterBytes);
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
      response.error = parse_body(body, response.message);
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
    response.error = fill(deadline);
    if (!response.error.empty()) return response;
  }
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
  bool parsed = false;
  if (flaw_ == ClientFlaw::kUtf8Unchecked) {
    // Fields straight from the scan, with no UTF-8 check.
    message.Clear();
    message.set_key(std::string(first_of[1].bytes));
    message.set_value(std::string(first_of[2].bytes));
    message.set_kind(static_cast<std::uint32_t>(first_of[3].varint));
    message.set_status(static_cast<Status>(first_of[4].varint));
    parsed = scanned;
  } else {
    parsed = message.ParseFromString(body);
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
  if (m.kind() == kKindError) return error_result("error-response");
  if (request.op == AdapterRequest::Op::kPut) {
    if (m.kind() != kKindPutOrUpdate || m.status() != Ok)
      return error_result("unexpected-response");
    return stored_result();
  }
  if (m.kind() != kKindGetResponse) return error_result("unexpected-response");
  if (m.key() != request.key && flaw_ != ClientFlaw::kKeyNotChecked) {
    return error_result("unexpected-response");
  }
  if (m.status() == Ok) return found_result(m.value());
  if (m.status() == NotOk && flaw_ == ClientFlaw::kMissIsError)
    return error_result("error-response");
  if (m.status() == NotOk || flaw_ == ClientFlaw::kUnknownStatusIsMiss) return not_found_result();
  return error_result("unexpected-response");
}

}  // namespace kv
