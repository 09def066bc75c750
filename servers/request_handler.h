// Turns one request into its response (SPEC section 5). No I/O.
#pragma once

#include <cstddef>
#include <functional>

#include "codec/frame_format.h"
#include "codec/message.h"
#include "servers/store.h"

namespace kv {

class RequestHandler {
 public:
  // `store` must outlive the handler.
  explicit RequestHandler(Store& store) : store_(store) {}

  // Replaces `response` with the response to `request`:
  //   PUT k=v -> {kind 3, Ok}, after storing v under k (SPEC 5.1);
  //   GET k   -> {k, v, kind 2, Ok} on a hit, {k, kind 2, NotOk} on a miss
  //              (SPEC 5.2, 5.3);
  //   kind K  -> {kind K, NotOk} for any other K, store unchanged (SPEC 5.6).
  // GET ignores value and status, PUT ignores status (SPEC 5.4).
  // `response` is cleared first, which keeps its strings' capacity, so a
  // caller that reuses one response allocates nothing per request once it
  // has grown. `request` and `response` must be different objects.
  // Safe to call from several threads at once (each with its own response).
  void handle(const Message& request, Message& response) const;

  // Like handle(), for a caller that must account for memory before it is
  // allocated (SPEC 12.2): a GET hit whose value is longer than
  // `free_up_to` bytes is answered only if `admit(value's size)` returns
  // true. Returns false, the store untouched and `response` unspecified,
  // when it returns false.
  bool handle_admitted(const Message& request, Message& response, std::size_t free_up_to,
                       const std::function<bool(std::size_t)>& admit) const;

 private:
  void handle_put(const Message& request, Message& response) const;
  void handle_get(const Message& request, Message& response) const;

  Store& store_;
};

}  // namespace kv
