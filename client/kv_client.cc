#include "client/kv_client.h"

#include <utility>

#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "net/endpoint.h"
#include "net/net_error.h"

namespace kv {
namespace {

Message to_message(const Request& request) {
  return request.op == Request::Op::kPut ? make_put(request.key, request.value)
                                         : make_get(request.key);
}

std::string describe(const Message& message) {
  std::string text = "{";
  text += message.ShortDebugString();
  text += '}';
  return text;
}

Reply success(Outcome outcome, std::string value = {}) {
  Reply reply;
  reply.outcome = outcome;
  reply.value = std::move(value);
  return reply;
}

// The class of a failed send: the server went away, or the socket failed.
ClientError send_error_class(const std::error_code& error) {
  if (error == std::errc::timed_out) return ClientError::kTimeout;
  if (error == std::errc::connection_reset) return ClientError::kReset;
  if (error == std::errc::broken_pipe) return ClientError::kClosed;
  return ClientError::kIoError;
}

ClientError receive_error_class(const ReceiveResult& received) {
  switch (received.status) {
    case ReceiveStatus::kBadBody:
    case ReceiveStatus::kFramingError:
      return client_error_of(static_cast<FrameError>(received.error.value()));
    case ReceiveStatus::kClosed:
      return received.reset ? ClientError::kReset : ClientError::kClosed;
    case ReceiveStatus::kTruncated:
      return received.reset ? ClientError::kReset : ClientError::kTruncated;
    case ReceiveStatus::kTimeout:
      return ClientError::kTimeout;
    case ReceiveStatus::kMessage:
    case ReceiveStatus::kIoError:
      break;
  }
  return ClientError::kIoError;
}

}  // namespace

std::string describe(const Request& request) {
  std::string text = request.op == Request::Op::kPut ? "PUT \"" : "GET \"";
  text += request.key;
  text += '"';
  return text;
}

KvClient::KvClient(Endpoint server, ClientOptions options)
    : server_(std::move(server)), options_(options) {}

Reply KvClient::fail(ClientError error, std::string detail) {
  if (ends_connection(error)) connection_.close();
  Reply reply;
  reply.error = error;
  reply.detail = std::move(detail);
  return reply;
}

bool KvClient::ensure_connected(Reply& failed) {
  if (connection_.connected()) return true;
  std::error_code error;
  connection_ = FrameConnection::connect(
      server_, ConnectOptions{options_.timeout, 0, options_.max_frame_len}, error);
  if (!error) return true;
  const std::string what = net::is_resolve_error(error) ? "cannot resolve " + server_.host
                                                        : "cannot connect to " + to_string(server_);
  failed = fail(ClientError::kConnectFailed, what + ": " + error.message());
  return false;
}

Reply KvClient::put(std::string_view key, std::string_view value) {
  const Request request{Request::Op::kPut, std::string(key), std::string(value)};
  return pipeline(std::span(&request, 1)).front();
}

Reply KvClient::get(std::string_view key) {
  const Request request{Request::Op::kGet, std::string(key), {}};
  return pipeline(std::span(&request, 1)).front();
}

std::vector<Reply> KvClient::pipeline(std::span<const Request> requests) {
  std::vector<Reply> replies;
  replies.reserve(requests.size());
  Reply failed;
  if (!ensure_connected(failed)) return std::vector<Reply>(requests.size(), failed);
  Buffer frames;
  for (const Request& request : requests) {
    if (const std::error_code error =
            encode_frame(to_message(request), frames, kMaxConfigurableFrameLen)) {
      return std::vector<Reply>(
          requests.size(), fail(ClientError::kIoError,
                                "cannot encode " + describe(request) + ": " + error.message()));
    }
  }
  if (const std::error_code error =
          connection_.send_reading_responses(frames.readable(), options_.timeout)) {
    return std::vector<Reply>(requests.size(),
                              fail(send_error_class(error), "cannot send: " + error.message()));
  }
  for (const Request& request : requests) {
    if (!connection_.connected()) {
      replies.push_back(replies.back());
      continue;
    }
    replies.push_back(receive_reply(request));
  }
  return replies;
}

Reply KvClient::receive_reply(const Request& request) {
  Message response;
  const ReceiveResult received = connection_.receive(response, options_.timeout);
  if (received.status != ReceiveStatus::kMessage) {
    return fail(receive_error_class(received),
                kv::describe(received) + " (request: " + describe(request) + ")");
  }
  const auto unexpected = [&] {
    return fail(ClientError::kUnexpectedResponse,
                describe(response) + " answering " + describe(request));
  };
  if (response.kind() == kKindError) {
    return fail(ClientError::kErrorResponse,
                "the error response " + describe(response) + " answering " + describe(request));
  }
  if (request.op == Request::Op::kPut) {
    if (response.kind() != kKindPutOrUpdate || response.status() != Ok) return unexpected();
    return success(Outcome::kStored);
  }
  if (response.kind() != kKindGetResponse || response.key() != request.key) return unexpected();
  if (response.status() == Ok)
    return success(Outcome::kFound, std::move(*response.mutable_value()));
  if (response.status() == NotOk) return success(Outcome::kNotFound);
  return unexpected();
}

}  // namespace kv
