// Which keys an explore program owns. Only an owned key's values are
// judged: the program wrote every value it can hold. Any other key (the
// empty key, which cannot be made private; whatever a --target server kept
// from earlier programs, earlier runs or other clients) holds state the
// program did not create, so the model judges only the form of its answers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kv {

class KeySpace {
 public:
  // The keys that contain `tag`: a tag that no other program, rerun or run
  // uses (see KeyNamespaces). `tag` must not be empty.
  static KeySpace tagged(std::string tag);
  // Every key: for a store that no one but this program has ever used
  // (the in-process fuzz target makes a new one per input).
  static KeySpace whole_store();

  bool owns(std::string_view key) const;
  // The tag prefixed to logical keys ("" for whole_store()).
  const std::string& tag() const { return tag_; }

 private:
  explicit KeySpace(std::string tag) : tag_(std::move(tag)) {}
  std::string tag_;
};

// Hands out a fresh tag for every run of a program: the first run, each
// rerun that reproduces or confirms a failure, each shrink candidate. Tags
// carry a nonce drawn once per process, so a second kvconform run with the
// same seed against the same --target server gets other keys too, and
// state left by any earlier run can neither cause nor confirm a failure.
class KeyNamespaces {
 public:
  // `nonce` should be random (random_nonce()); tests pass a fixed one.
  explicit KeyNamespaces(std::uint32_t nonce) : nonce_(nonce) {}

  // A tag for one run of program `index`, never returned before by this
  // object: "x<nonce, 8 hex digits>.<index>.<run>/".
  std::string next(std::uint64_t index);

  static std::uint32_t random_nonce();

 private:
  std::uint32_t nonce_;
  std::uint64_t runs_ = 0;
};

}  // namespace kv
