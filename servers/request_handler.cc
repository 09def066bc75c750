#include "servers/request_handler.h"

namespace kv {

Message RequestHandler::handle(const Message& request) const {
  switch (request.kind()) {
    case kKindPutOrUpdate:
      return handle_put(request);
    case kKindGet:
      return handle_get(request);
    default: {
      Message response;
      response.set_kind(request.kind());
      response.set_status(NotOk);
      return response;
    }
  }
}

Message RequestHandler::error_response() {
  Message response;
  response.set_kind(kKindError);
  response.set_status(NotOk);
  return response;
}

Message RequestHandler::handle_put(const Message& request) const {
  store_.put(request.key(), request.value());
  Message response;
  response.set_kind(kKindPutOrUpdate);
  response.set_status(Ok);
  return response;
}

Message RequestHandler::handle_get(const Message& request) const {
  Message response;
  response.set_key(request.key());
  response.set_kind(kKindGetResponse);
  if (auto value = store_.get(request.key())) {
    response.set_value(std::move(*value));
    response.set_status(Ok);
  } else {
    response.set_status(NotOk);
  }
  return response;
}

}  // namespace kv
