#include "servers/request_handler.h"

namespace kv {

void RequestHandler::handle(const Message& request, Message& response) const {
  response.Clear();
  switch (request.kind()) {
    case kKindPutOrUpdate:
      handle_put(request, response);
      return;
    case kKindGet:
      handle_get(request, response);
      return;
    default:
      response.set_kind(request.kind());
      response.set_status(NotOk);
      return;
  }
}

void RequestHandler::handle_put(const Message& request, Message& response) const {
  store_.put(request.key(), request.value());
  response.set_kind(kKindPutOrUpdate);
  response.set_status(Ok);
}

bool RequestHandler::handle_admitted(const Message& request, Message& response,
                                     std::size_t free_up_to,
                                     const std::function<bool(std::size_t)>& admit) const {
  if (request.kind() != kKindGet) {
    handle(request, response);
    return true;
  }
  response.Clear();
  response.set_key(request.key());
  response.set_kind(kKindGetResponse);
  const Store::Lookup found =
      store_.get_admitted(request.key(), *response.mutable_value(), free_up_to, admit);
  if (found == Store::Lookup::kRefused) return false;
  response.set_status(found == Store::Lookup::kHit ? Ok : NotOk);
  return true;
}

void RequestHandler::handle_get(const Message& request, Message& response) const {
  response.set_key(request.key());
  response.set_kind(kKindGetResponse);
  if (store_.get(request.key(), *response.mutable_value())) {
    response.set_status(Ok);
  } else {
    response.set_status(NotOk);
  }
}

}  // namespace kv
