// Whether io_uring can be used here, and if not, why: a kernel older than
// the features the io-uring model needs, io_uring switched off by the
// kernel.io_uring_disabled sysctl, or a seccomp profile (containers often
// have one) that denies its system calls.
#pragma once

#include <string>

namespace kv {

// Empty when the io-uring model can run; otherwise one sentence saying why
// not, naming the failed call and its error (for kvserver's message and
// the tests' skip reason).
std::string io_uring_unavailable_reason();

}  // namespace kv
