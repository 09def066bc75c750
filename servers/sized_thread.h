// A joinable thread with a stack of a chosen size. std::thread always gets
// the platform default (8 MiB of address space on Linux), which limits how
// many threads fit under an address-space limit.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>

namespace kv {

class SizedThread {
 public:
  SizedThread() = default;
  SizedThread(SizedThread&& other) noexcept;
  SizedThread& operator=(SizedThread&& other) noexcept;
  SizedThread(const SizedThread&) = delete;
  SizedThread& operator=(const SizedThread&) = delete;
  // Joins the thread if it is still joinable.
  ~SizedThread();

  // Runs `body` (a callable, possibly move-only) on a new thread whose
  // stack is `stack_bytes` (rounded up to the platform's minimum). On
  // failure nothing runs, `thread` is left unchanged and the error is
  // returned. `body` must not throw. Throws std::bad_alloc if `body` cannot
  // be moved to the heap.
  template <typename Body>
  static std::error_code start(std::size_t stack_bytes, Body&& body, SizedThread& thread) {
    using Task = std::decay_t<Body>;
    auto task = std::make_unique<Task>(std::forward<Body>(body));
    const std::error_code error = start_raw(stack_bytes, &run_task<Task>, task.get(), thread);
    if (!error) task.release();  // run_task owns it now.
    return error;
  }

  bool joinable() const { return joinable_; }
  // Waits for the thread to end. Requires joinable().
  void join();

 private:
  template <typename Task>
  static void* run_task(void* argument) {
    const std::unique_ptr<Task> task(static_cast<Task*>(argument));
    (*task)();
    return nullptr;
  }
  static std::error_code start_raw(std::size_t stack_bytes, void* (*entry)(void*), void* argument,
                                   SizedThread& thread);

  pthread_t handle_{};
  bool joinable_ = false;
};

}  // namespace kv
