// Denies io_uring to the calling process, the way a container's seccomp
// profile does: io_uring_setup then fails with EPERM. For the tests of the
// io-uring model's "cannot run here" path. Needs no privileges (it sets
// no_new_privs first); it cannot be undone, so call it in a child process.
#pragma once

#include <system_error>

namespace kv::test {

// Installs the filter; an error if the platform or the kernel does not
// allow it (then the caller skips, saying so).
std::error_code deny_io_uring_setup();

}  // namespace kv::test
