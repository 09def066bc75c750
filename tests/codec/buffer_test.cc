// Tests of kv::Buffer: read and write indices, compaction, growth,
// consume, release_if_empty and empty appends.
#include "codec/buffer.h"

#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "tests/codec/frame_bytes.h"

namespace kv::test {
namespace {

TEST(Buffer, NewBufferHoldsNoStorage) {
  Buffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.readable_bytes(), 0U);
  EXPECT_EQ(buffer.writable_bytes(), 0U);
  EXPECT_EQ(buffer.capacity(), 0U);
}

TEST(Buffer, AppendMakesBytesReadableInOrder) {
  Buffer buffer;
  buffer.append(std::string_view("abc"));
  buffer.append(as_bytes("de"));
  EXPECT_EQ(readable_string(buffer), "abcde");
  EXPECT_EQ(buffer.readable_bytes(), 5U);
  EXPECT_EQ(buffer.writable_bytes(), buffer.capacity() - 5U);
}

TEST(Buffer, AppendEmptySpanToNewBufferAllocatesNothing) {
  Buffer buffer;
  buffer.append(std::span<const std::uint8_t>());
  buffer.append(std::string_view());
  buffer.append(std::string_view("abc", 0));
  EXPECT_EQ(buffer.capacity(), 0U);
  EXPECT_TRUE(buffer.empty());
}

TEST(Buffer, AppendEmptySpanLeavesContentAndIndicesAlone) {
  Buffer buffer;
  buffer.append(std::string_view("xyz"));
  buffer.consume(1);
  const std::size_t capacity = buffer.capacity();
  const std::size_t writable = buffer.writable_bytes();
  buffer.append(std::span<const std::uint8_t>());
  EXPECT_EQ(readable_string(buffer), "yz");
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_EQ(buffer.writable_bytes(), writable);
}

TEST(Buffer, ConsumeDropsBytesFromTheFront) {
  Buffer buffer;
  buffer.append(std::string_view("hello"));
  buffer.consume(2);
  EXPECT_EQ(readable_string(buffer), "llo");
  buffer.consume(0);
  EXPECT_EQ(readable_string(buffer), "llo");
}

TEST(Buffer, ConsumingEverythingRewindsBothIndices) {
  Buffer buffer;
  buffer.append(std::string_view("hello"));
  buffer.consume(5);
  EXPECT_TRUE(buffer.empty());
  // The whole storage is writable again: the write index went back to 0.
  EXPECT_EQ(buffer.writable_bytes(), buffer.capacity());
}

TEST(Buffer, ConsumeAllRewindsBothIndices) {
  Buffer buffer;
  buffer.append(std::string_view("hello"));
  buffer.consume_all();
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.writable_bytes(), buffer.capacity());
}

TEST(Buffer, WritePointerAndCommitAppendInPlace) {
  Buffer buffer;
  buffer.append(std::string_view("ab"));
  buffer.ensure_writable(3);
  ASSERT_GE(buffer.writable_bytes(), 3U);
  std::memcpy(buffer.write_ptr(), "cde", 3);
  buffer.commit(3);
  EXPECT_EQ(readable_string(buffer), "abcde");
  EXPECT_EQ(buffer.writable().size(), buffer.writable_bytes());
}

TEST(Buffer, UncommittedBytesAreNotReadable) {
  Buffer buffer;
  buffer.ensure_writable(4);
  std::memcpy(buffer.write_ptr(), "wxyz", 4);
  buffer.commit(2);
  EXPECT_EQ(readable_string(buffer), "wx");
}

TEST(Buffer, EnsureWritableWithRoomKeepsStorage) {
  Buffer buffer;
  buffer.append(std::string_view("abc"));
  const std::uint8_t* storage = buffer.peek();
  const std::size_t capacity = buffer.capacity();
  buffer.ensure_writable(buffer.writable_bytes());
  EXPECT_EQ(buffer.peek(), storage);
  EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(Buffer, CompactsConsumedPrefixInsteadOfGrowing) {
  Buffer buffer;
  buffer.ensure_writable(1);
  const std::size_t capacity = buffer.capacity();
  const std::string fill(capacity, 'a');
  buffer.append(fill);
  buffer.consume(capacity - 3);
  buffer.append(std::string_view("XYZ"));
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_EQ(readable_string(buffer), "aaaXYZ");
  // Compaction moved the readable bytes to the start of the storage.
  EXPECT_EQ(buffer.writable_bytes(), capacity - 6);
}

TEST(Buffer, GrowsGeometricallyAndKeepsReadableBytes) {
  Buffer buffer;
  buffer.append(std::string_view("0123456789"));
  const std::size_t first = buffer.capacity();
  ASSERT_GE(first, 10U);
  const std::string more(first, 'm');
  buffer.append(more);
  EXPECT_GE(buffer.capacity(), 2 * first);
  EXPECT_EQ(readable_string(buffer), "0123456789" + more);
}

TEST(Buffer, GrowthDropsConsumedBytes) {
  Buffer buffer;
  buffer.append(std::string_view("consumed|kept"));
  buffer.consume(9);
  const std::string more(buffer.capacity() * 3, 'g');
  buffer.append(more);
  EXPECT_EQ(readable_string(buffer), "kept" + more);
  EXPECT_EQ(buffer.readable_bytes(), 4 + more.size());
}

TEST(Buffer, EnsureWritableThatWouldOverflowThrowsAndChangesNothing) {
  Buffer buffer;
  buffer.append(std::string_view("ab"));
  const std::size_t capacity = buffer.capacity();
  EXPECT_THROW(buffer.ensure_writable(SIZE_MAX), std::bad_alloc);
  EXPECT_EQ(readable_string(buffer), "ab");
  EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(Buffer, ReleaseIfEmptyFreesStorageOfEmptyBuffer) {
  Buffer buffer;
  buffer.append(std::string_view("abc"));
  buffer.consume(3);
  buffer.release_if_empty();
  EXPECT_EQ(buffer.capacity(), 0U);
  EXPECT_EQ(buffer.writable_bytes(), 0U);
  buffer.append(std::string_view("again"));
  EXPECT_EQ(readable_string(buffer), "again");
}

TEST(Buffer, ReleaseIfEmptyKeepsNonEmptyBuffer) {
  Buffer buffer;
  buffer.append(std::string_view("abc"));
  buffer.consume(1);
  const std::size_t capacity = buffer.capacity();
  buffer.release_if_empty();
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_EQ(readable_string(buffer), "bc");
}

// A moved-from buffer must be valid: empty, and usable again.
TEST(Buffer, MovedFromBufferIsEmptyAndUsable) {
  Buffer source;
  source.append(std::string_view("abc"));
  Buffer target(std::move(source));
  EXPECT_EQ(readable_string(target), "abc");
  EXPECT_EQ(source.readable_bytes(), 0U);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(source.capacity(), 0U);        // NOLINT(bugprone-use-after-move)
  ASSERT_EQ(source.writable_bytes(), 0U);  // NOLINT(bugprone-use-after-move)
  source.append(std::string_view("new"));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(readable_string(source), "new");
}

TEST(Buffer, MoveAssignedFromBufferIsEmptyAndUsable) {
  Buffer source;
  source.append(std::string_view("abc"));
  Buffer target;
  target.append(std::string_view("old"));
  target = std::move(source);
  EXPECT_EQ(readable_string(target), "abc");
  EXPECT_EQ(source.readable_bytes(), 0U);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(source.capacity(), 0U);        // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace kv::test
