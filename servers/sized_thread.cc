#include "servers/sized_thread.h"

#include <climits>
#include <utility>

namespace kv {
namespace {

// Destroys a pthread_attr_t on every path.
class ThreadAttributes {
 public:
  ThreadAttributes() : error_(pthread_attr_init(&attributes_)) {}
  ~ThreadAttributes() {
    if (error_ == 0) pthread_attr_destroy(&attributes_);
  }
  ThreadAttributes(const ThreadAttributes&) = delete;
  ThreadAttributes& operator=(const ThreadAttributes&) = delete;

  int error() const { return error_; }
  pthread_attr_t* get() { return &attributes_; }

 private:
  pthread_attr_t attributes_{};
  int error_;
};

}  // namespace

SizedThread::SizedThread(SizedThread&& other) noexcept
    : handle_(other.handle_), joinable_(std::exchange(other.joinable_, false)) {}

SizedThread& SizedThread::operator=(SizedThread&& other) noexcept {
  if (this != &other) {
    if (joinable_) join();
    handle_ = other.handle_;
    joinable_ = std::exchange(other.joinable_, false);
  }
  return *this;
}

SizedThread::~SizedThread() {
  if (joinable_) join();
}

std::error_code SizedThread::start_raw(std::size_t stack_bytes, void* (*entry)(void*),
                                       void* argument, SizedThread& thread) {
  ThreadAttributes attributes;
  if (attributes.error() != 0) return {attributes.error(), std::system_category()};
  const auto minimum = static_cast<std::size_t>(PTHREAD_STACK_MIN);
  const std::size_t size = stack_bytes < minimum ? minimum : stack_bytes;
  if (const int error = pthread_attr_setstacksize(attributes.get(), size); error != 0) {
    return {error, std::system_category()};
  }
  pthread_t handle{};
  if (const int error = pthread_create(&handle, attributes.get(), entry, argument); error != 0) {
    return {error, std::system_category()};
  }
  if (thread.joinable_) thread.join();
  thread.handle_ = handle;
  thread.joinable_ = true;
  return {};
}

void SizedThread::join() {
  pthread_join(handle_, nullptr);
  joinable_ = false;
}

}  // namespace kv
