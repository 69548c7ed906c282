#include "http/deadline.hpp"

#include <gtest/gtest.h>

namespace seats {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kNow = system_clock::time_point(seconds(1733080000));

TEST(RequestDeadline, NginxMsecIsReadToTheMillisecond) {
  EXPECT_EQ(request_received_at("1733079990.125", kNow), kNow - seconds(10) + milliseconds(125));
}

TEST(RequestDeadline, AnythingButNginxMsecCountsAsReceivedNow) {
  for (const char* bad : {"", "1733079990", "1733079990.12", "1733079990.1234", "1733079990,125",
                          "-1733079990.125", " 1733079990.125", "1733079990.125 ", "x.125",
                          "1733079990.-12", "99999999999999999999999.000"}) {
    EXPECT_EQ(request_received_at(bad, kNow), kNow) << "'" << bad << "'";
  }
  EXPECT_EQ(request_received_at(nullptr, kNow), kNow);
}

TEST(RequestDeadline, AReceiveTimeInTheFutureNeverStretchesTheDeadline) {
  EXPECT_EQ(request_received_at("1733090000.000", kNow), kNow);
}

TEST(RequestDeadline, CommitsStopOneSecondBeforeNginxGivesUp) {
  EXPECT_EQ(commit_deadline(kNow, 30), kNow + seconds(29));
}

}  // namespace
}  // namespace seats
