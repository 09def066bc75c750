// The shared store (SPEC 5.1, 5.5, 5.8, 10.3).
#include "servers/store.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/servers/unit/store_lookup.h"

namespace kv {
namespace {

TEST(StoreTest, GetOfAMissingKeyIsEmpty) {
  Store store;
  EXPECT_EQ(test::stored_value(store, "absent"), std::nullopt);
  EXPECT_EQ(store.size(), 0U);
}

TEST(StoreTest, PutThenGetReturnsTheValue) {
  Store store;
  store.put("k", "v");
  EXPECT_EQ(test::stored_value(store, "k"), "v");
}

TEST(StoreTest, AdmittedGetCopiesALongValueOnlyIfAdmitted) {
  Store store;
  store.put("k", std::string(1234, 'v'));
  std::string value = "unchanged";
  std::size_t asked = 0;
  const auto refuse = [&](std::size_t size) {
    asked = size;
    return false;
  };
  EXPECT_EQ(store.get_admitted("k", value, 1000, refuse), Store::Lookup::kRefused);
  EXPECT_EQ(asked, 1234U);
  EXPECT_EQ(value, "unchanged");
  EXPECT_EQ(store.get_admitted("k", value, 2000, refuse), Store::Lookup::kHit);
  EXPECT_EQ(value.size(), 1234U);
  EXPECT_EQ(store.get_admitted("absent", value, 0, refuse), Store::Lookup::kMiss);
}

TEST(StoreTest, PutReplacesTheEarlierValue) {
  Store store;
  store.put("k", "old");
  store.put("k", "new");
  EXPECT_EQ(test::stored_value(store, "k"), "new");
  EXPECT_EQ(store.size(), 1U);
}

TEST(StoreTest, EmptyKeyAndEmptyValueAreOrdinaryData) {
  Store store;
  store.put("", "");
  EXPECT_EQ(test::stored_value(store, ""), std::string());
}

TEST(StoreTest, GetOverwritesTheCallersStringOnAHitAndLeavesItOnAMiss) {
  Store store;
  store.put("k", "v");
  std::string value = "previous contents, longer than the value";
  EXPECT_TRUE(store.get("k", value));
  EXPECT_EQ(value, "v");
  EXPECT_FALSE(store.get("absent", value));
  EXPECT_EQ(value, "v");
}

TEST(StoreTest, KeysAndValuesAreBinarySafe) {
  Store store;
  const std::string key("a\0b", 3);
  const std::string value("@EOF@\0x", 7);
  store.put(key, value);
  EXPECT_EQ(test::stored_value(store, key), value);
  EXPECT_EQ(test::stored_value(store, "a"), std::nullopt);
}

TEST(StoreTest, ConcurrentWritersLoseNothing) {
  Store store;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = std::to_string(t) + "/" + std::to_string(i);
        store.put(key, key);
        EXPECT_EQ(test::stored_value(store, key), key);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace kv
