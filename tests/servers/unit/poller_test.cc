// Every poller this platform builds, behind the one interface.
#include "servers/poller.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "net/unique_fd.h"

namespace kv {
namespace {

using namespace std::chrono_literals;

class PollerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::error_code error;
    poller_ = make_poller(GetParam(), error);
    ASSERT_NE(poller_, nullptr) << error.message();
    int fds[2] = {-1, -1};
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    a_.reset(fds[0]);
    b_.reset(fds[1]);
  }

  unsigned ready_for(int fd, std::chrono::milliseconds timeout) {
    std::vector<PollEvent> fired;
    EXPECT_FALSE(poller_->wait(timeout, fired));
    unsigned ready = kInterestNone;
    for (const PollEvent& event : fired) {
      if (event.fd == fd) ready |= event.ready;
    }
    return ready;
  }

  std::unique_ptr<Poller> poller_;
  net::UniqueFd a_;
  net::UniqueFd b_;
};

TEST_P(PollerTest, ReportsReadableOnlyOnceDataArrives) {
  ASSERT_FALSE(poller_->add(b_.get(), kInterestRead));
  EXPECT_EQ(ready_for(b_.get(), 0ms), kInterestNone);
  ASSERT_EQ(::write(a_.get(), "x", 1), 1);
  EXPECT_EQ(ready_for(b_.get(), 1000ms) & kInterestRead, kInterestRead);
  // Level-triggered: still ready while the byte is unread.
  EXPECT_EQ(ready_for(b_.get(), 0ms) & kInterestRead, kInterestRead);
}

TEST_P(PollerTest, ModifyChangesTheInterest) {
  ASSERT_FALSE(poller_->add(b_.get(), kInterestNone));
  EXPECT_EQ(ready_for(b_.get(), 0ms), kInterestNone);
  ASSERT_FALSE(poller_->modify(b_.get(), kInterestWrite));
  EXPECT_EQ(ready_for(b_.get(), 1000ms), kInterestWrite);
  ASSERT_FALSE(poller_->modify(b_.get(), kInterestRead));
  EXPECT_EQ(ready_for(b_.get(), 0ms), kInterestNone);
}

TEST_P(PollerTest, RemovedFdIsNoLongerReported) {
  ASSERT_FALSE(poller_->add(b_.get(), kInterestRead | kInterestWrite));
  EXPECT_NE(ready_for(b_.get(), 1000ms), kInterestNone);
  ASSERT_FALSE(poller_->remove(b_.get()));
  EXPECT_EQ(ready_for(b_.get(), 0ms), kInterestNone);
  EXPECT_TRUE(poller_->modify(b_.get(), kInterestRead)) << "modify of an unwatched fd fails";
}

TEST_P(PollerTest, PeerCloseIsReportedAsReadable) {
  ASSERT_FALSE(poller_->add(b_.get(), kInterestRead));
  a_.reset();
  EXPECT_EQ(ready_for(b_.get(), 1000ms) & kInterestRead, kInterestRead);
}

TEST_P(PollerTest, NameMatches) {
  EXPECT_EQ(poller_->name(), GetParam());
}

std::vector<std::string> poller_names() {
  std::vector<std::string> names;
  for (std::string_view name : available_pollers()) names.emplace_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Available, PollerTest, ::testing::ValuesIn(poller_names()),
                         [](const auto& info) { return info.param; });

TEST(PollerFactoryTest, UnknownNameIsAnError) {
  std::error_code error;
  EXPECT_EQ(make_poller("select", error), nullptr);
  EXPECT_TRUE(error);
}

}  // namespace
}  // namespace kv
