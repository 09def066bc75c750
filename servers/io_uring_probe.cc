#include "servers/io_uring_probe.h"

#include <fstream>
#include <system_error>

#if defined(KV_HAVE_LIBURING)
#include <liburing.h>
#endif

namespace kv {
namespace {

#if defined(KV_HAVE_LIBURING)
// What /proc/sys/kernel/io_uring_disabled says, for the message; empty
// where the sysctl does not exist (kernels before 6.6).
std::string disabled_sysctl() {
  std::ifstream file("/proc/sys/kernel/io_uring_disabled");
  int value = 0;
  if (!(file >> value)) return "";
  return " (kernel.io_uring_disabled is " + std::to_string(value) + ")";
}

std::string failed(const char* call, int negative_errno) {
  return std::string(call) + " failed: " + std::generic_category().message(-negative_errno);
}
#endif

}  // namespace

std::string io_uring_unavailable_reason() {
#if defined(KV_HAVE_LIBURING)
  io_uring ring{};
  const int status = io_uring_queue_init(8, &ring, 0);
  if (status < 0) {
    std::string reason = failed("io_uring_setup", status);
    if (status == -ENOSYS) reason += " (a kernel older than 5.1, or built without io_uring)";
    if (status == -EPERM) {
      reason += disabled_sysctl();
      reason += "; a sysctl or a seccomp profile denies io_uring here";
    }
    return reason;
  }
  std::string reason;
  // Waiting with a timeout (io_uring_submit_and_wait_timeout) needs 5.11.
  if ((ring.features & IORING_FEAT_EXT_ARG) == 0U) {
    reason = "the kernel lacks IORING_FEAT_EXT_ARG (5.11 or later is needed)";
  } else {
    // Provided buffer rings need 5.19; one of one entry is registered and
    // dropped at once.
    io_uring_buf_reg registration{};
    void* memory = nullptr;
    if (posix_memalign(&memory, 4096, 4096) == 0) {
      registration.ring_addr = reinterpret_cast<std::uintptr_t>(memory);
      registration.ring_entries = 1;
      registration.bgid = 0;
      const int registered = io_uring_register_buf_ring(&ring, &registration, 0);
      if (registered < 0) {
        reason = failed("io_uring_register_buf_ring", registered) +
                 " (provided buffer rings need Linux 5.19 or later)";
      } else {
        io_uring_unregister_buf_ring(&ring, 0);
      }
      std::free(memory);
    } else {
      reason = "no memory for a provided buffer ring";
    }
  }
  io_uring_queue_exit(&ring);
  return reason;
#else
  return "kvserver was built without liburing (Linux only; install liburing-dev and rebuild)";
#endif
}

}  // namespace kv
