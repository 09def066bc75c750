// The multi-reactor's hand-over of accepted sockets from the acceptor
// thread to a loop: order, the wake descriptor, closing, and a concurrent
// producer (run under TSan in CI).
#include "servers/connection_inbox.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <thread>
#include <vector>

namespace kv {
namespace {

// A fresh descriptor to hand over (one end of a socket pair; the other is
// closed at once).
net::UniqueFd some_socket() {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  net::UniqueFd other(fds[1]);
  return net::UniqueFd(fds[0]);
}

bool readable(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) == 1;
}

TEST(ConnectionInboxTest, PushedSocketsAreTakenInOrderAndTheWakeFdFollows) {
  ConnectionInbox inbox;
  ASSERT_FALSE(inbox.error());
  EXPECT_FALSE(readable(inbox.wake_fd()));
  net::UniqueFd first = some_socket();
  net::UniqueFd second = some_socket();
  const int first_fd = first.get();
  const int second_fd = second.get();
  ASSERT_TRUE(inbox.push(std::move(first)));
  ASSERT_TRUE(inbox.push(std::move(second)));
  EXPECT_TRUE(readable(inbox.wake_fd())) << "a push wakes the loop";

  std::vector<net::UniqueFd> taken;
  inbox.take_all(taken);
  ASSERT_EQ(taken.size(), 2U);
  EXPECT_EQ(taken[0].get(), first_fd);
  EXPECT_EQ(taken[1].get(), second_fd);
  EXPECT_FALSE(readable(inbox.wake_fd())) << "taking clears the wake-up";
  taken.clear();
  inbox.take_all(taken);
  EXPECT_TRUE(taken.empty());
}

TEST(ConnectionInboxTest, AClosedInboxRefusesAndClosesTheSocket) {
  ConnectionInbox inbox;
  ASSERT_TRUE(inbox.push(some_socket()));
  inbox.close();
  EXPECT_TRUE(inbox.closed());
  EXPECT_FALSE(inbox.push(some_socket()));
  std::vector<net::UniqueFd> taken;
  inbox.take_all(taken);
  EXPECT_TRUE(taken.empty()) << "what was queued is dropped on close";
}

TEST(ConnectionInboxTest, EverySocketPushedByAnotherThreadArrivesOnce) {
  constexpr int kSockets = 200;
  ConnectionInbox inbox;
  std::thread producer([&] {
    for (int i = 0; i < kSockets; ++i) ASSERT_TRUE(inbox.push(some_socket()));
  });
  std::vector<net::UniqueFd> taken;
  taken.reserve(kSockets);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (taken.size() < kSockets && std::chrono::steady_clock::now() < deadline) {
    pollfd entry{inbox.wake_fd(), POLLIN, 0};
    ::poll(&entry, 1, 100);
    inbox.take_all(taken);
  }
  producer.join();
  EXPECT_EQ(taken.size(), static_cast<std::size_t>(kSockets));
  for (const net::UniqueFd& socket : taken) EXPECT_TRUE(socket.valid());
}

}  // namespace
}  // namespace kv
