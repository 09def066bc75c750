#include "servers/poller.h"

namespace kv {

std::vector<std::string_view> available_pollers() {
#if defined(__linux__)
  return {"epoll", "poll"};
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  return {"kqueue", "poll"};
#else
  return {"poll"};
#endif
}

std::unique_ptr<Poller> make_poller(std::string_view name, std::error_code& error) {
#if defined(__linux__)
  if (name == "epoll") return make_epoll_poller(error);
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  if (name == "kqueue") return make_kqueue_poller(error);
#endif
  if (name == "poll") return make_poll_poller(error);
  error = std::make_error_code(std::errc::invalid_argument);
  return nullptr;
}

}  // namespace kv
