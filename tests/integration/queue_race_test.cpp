// The waiting room under races (API.md Part 2, "On-sale"): parallel joins by one user keep
// one place, parallel joins by many give positions without gaps or repeats, and of callers
// racing for one seat at the sale only an admitted one can win it. Judged in the database
// afterwards, not only by the answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/parallel.hpp"
#include "support/queue.hpp"
#include "support/tally.hpp"

namespace seats_test {
namespace {

constexpr int kParallelJoins = 20;
constexpr int kManyUsers = 30;
constexpr int kRacers = 10;

std::vector<std::int64_t> Positions(const std::vector<Response>& answers) {
  std::vector<std::int64_t> out;
  for (const Response& r : answers) out.push_back(r.json["position"].integer());
  return out;
}

class QueueRace : public ApiTest {
 protected:
  void SetUp() override { admin = RegisterAdmin(db(), "queue.race.admin"); }

  // A show of its own, on sale from `in` from now (to the second; 0 = on sale now).
  OwnShow ShowOnSaleIn(std::chrono::seconds in, int rate) {
    return MustCreateOwnShow(client, db(), admin, "queue.race",
                             {.extra = OnSale(db().now() + in, rate)});
  }

  User admin;
};

TEST_F(QueueRace, ParallelJoinsByOneUserBeforeTheSaleKeepOneRow) {
  const OwnShow show = ShowOnSaleIn(std::chrono::minutes(10), 5);
  const User u = RegisterUser("queue.race.one.pre");
  const auto answers =
      RunTogether(kParallelJoins, [&](int, Client& c) { return JoinQueue(c, u, show.id); });
  const Tally tally = TallyOf(answers);
  for (const Response& r : answers) EXPECT_TRUE(IsPlace(r, "PRE_QUEUE")) << tally.Describe();
  EXPECT_EQ(QueueRows(db(), show.id, u.id), 1);
  EXPECT_EQ(QueueRows(db(), show.id), 1);
}

TEST_F(QueueRace, ParallelJoinsByOneUserAfterTheSaleGiveOnePositionAndNoGap) {
  const OwnShow show = ShowOnSaleIn(std::chrono::seconds(0), 1);
  const User u = RegisterUser("queue.race.one");
  const User next = RegisterUser("queue.race.next");
  const auto answers =
      RunTogether(kParallelJoins, [&](int, Client& c) { return JoinQueue(c, u, show.id); });
  const Tally tally = TallyOf(answers);
  ASSERT_EQ(tally.Count("200"), kParallelJoins) << tally.Describe();
  for (const Response& r : answers) {
    EXPECT_EQ(r.json["position"].integer(), 1) << r.describe();
    EXPECT_EQ(r.json["admit_at"], answers.front().json["admit_at"]) << r.describe();
  }
  EXPECT_EQ(QueueRows(db(), show.id, u.id), 1);
  // The attempts that found the place taken left no hole behind it.
  const Response second = JoinQueue(client, next, show.id);
  ASSERT_EQ(second.status, 200) << second.describe();
  EXPECT_EQ(second.json["position"].integer(), 2) << second.describe();
  EXPECT_EQ(QueueRows(db(), show.id), 2);
}

TEST_F(QueueRace, ManyUsersJoiningAtOnceGetPositionsWithoutGapsOrRepeats) {
  const OwnShow show = ShowOnSaleIn(std::chrono::seconds(0), 5);
  const std::vector<User> users = RegisterUsers(kManyUsers, "queue.race.many");
  const auto answers = RunTogether(kManyUsers, [&](int i, Client& c) {
    return JoinQueue(c, users[static_cast<std::size_t>(i)], show.id);
  });
  const Tally tally = TallyOf(answers);
  ASSERT_EQ(tally.Count("200"), kManyUsers) << tally.Describe();
  EXPECT_TRUE(AreOneToN(Positions(answers)));
  EXPECT_EQ(QueueRows(db(), show.id), kManyUsers);
}

// The page reads its place again at on_sale_at (plus a little): the first reads after the
// sale fix the order, and however many arrive together, each gets its place.
TEST_F(QueueRace, ManyReadsAtTheSaleAllGetTheirPlace) {
  const OwnShow show = ShowOnSaleIn(std::chrono::seconds(3), 5);
  const std::vector<User> users = RegisterUsers(kManyUsers, "queue.race.seal");
  for (const User& u : users) ASSERT_TRUE(IsPlace(JoinQueue(client, u, show.id), "PRE_QUEUE"));
  WaitForDbTimePast(db(), ParseTime(show.show["on_sale_at"].string()));
  const auto answers = RunTogether(kManyUsers, [&](int i, Client& c) {
    return GetPlace(c, users[static_cast<std::size_t>(i)], show.id);
  });
  const Tally tally = TallyOf(answers);
  ASSERT_EQ(tally.Count("200"), kManyUsers) << tally.Describe();
  EXPECT_TRUE(AreOneToN(Positions(answers)));
}

// At one admission a second, only position 1 is admitted in the sale's first second: of
// early joiners all racing for one seat then, the winner must be admitted and every other
// answer must say why it lost (not admitted, or the seat taken if it was admitted too).
TEST_F(QueueRace, AtTheSaleOnlyAnAdmittedCallerCanWinARacedSeat) {
  const OwnShow show = ShowOnSaleIn(std::chrono::seconds(3), 1);
  const std::vector<User> users = RegisterUsers(kRacers, "queue.race.seat");
  for (const User& u : users) ASSERT_TRUE(IsPlace(JoinQueue(client, u, show.id), "PRE_QUEUE"));
  WaitForDbTimePast(db(), ParseTime(show.show["on_sale_at"].string()));

  std::map<std::int64_t, TimePoint> admit_at;  // by user id
  for (const User& u : users) {
    const Response r = GetPlace(client, u, show.id);
    ASSERT_EQ(r.status, 200) << r.describe();
    admit_at[u.id] = ParseTime(r.json["admit_at"].string());
  }
  const std::int64_t seat = show.seat_ids.front();
  const TimePoint before = db().now();
  const auto answers = RunTogether(
      kRacers, [&](int i, Client& c) { return Lock(c, users[static_cast<std::size_t>(i)], seat); });
  const TimePoint after = db().now();
  const Tally tally = TallyOf(answers);
  std::printf("%d racers at the sale: %s\n", kRacers, tally.Describe().c_str());

  EXPECT_EQ(tally.Count("200"), 1) << tally.Describe();
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const Response& r = answers[i];
    const TimePoint admitted = admit_at[users[i].id];
    if (r.status == 200) {
      EXPECT_LE(admitted, after) << "a hold granted before admission: " << r.describe();
      EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND id = " +
                             Str(seat) + " AND user_id = " + Str(users[i].id)),
                1);
    } else if (admitted > after) {
      EXPECT_TRUE(IsProblem(r, 409, "not_admitted"));
    } else if (admitted <= before) {
      EXPECT_TRUE(IsProblem(r, 409, "seat_unavailable"));
    }
  }
  EXPECT_EQ(
      db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND id = " + Str(seat)),
      1);
}

}  // namespace
}  // namespace seats_test
