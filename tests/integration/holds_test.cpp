// Seat holds: PATCH/POST/DELETE /seats/:id/lock (API.md "Holds").
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/seat_pool.hpp"
#include "support/timeutil.hpp"

namespace seats_test {
namespace {

// This binary's seats: the first two future demo shows.
SeatPool& Pool() {
  static SeatPool pool({{0, "ABCDE"}, {1, "ABCDE"}});
  return pool;
}

const std::set<std::string> kLockedKeys = {"message", "seat_id", "show_id", "expires_at"};
const std::set<std::string> kReleasedKeys = {"message", "seat_id"};

class Holds : public ApiTest {
 protected:
  // The seat's row as the database has it: status, holder (or ""), whether the hold is live.
  struct SeatRow {
    std::string status;
    std::string user_id;
    bool live = false;
    std::string expires;
  };
  SeatRow Row(std::int64_t seat_id) {
    const auto r = db().rows(
        "SELECT status, user_id, hold_expires_at > UTC_TIMESTAMP(6), "
        "DATE_FORMAT(hold_expires_at, '%Y-%m-%d %H:%i:%s.%f') FROM show_seats WHERE id = " +
        Str(seat_id));
    if (r.size() != 1) return {};
    return {r[0][0].value_or(""), r[0][1].value_or(""), r[0][2].value_or("0") == "1",
            r[0][3].value_or("")};
  }
  // True when the database shows a live hold on the seat by this user.
  ::testing::AssertionResult HeldBy(std::int64_t seat_id, const User& u) {
    const SeatRow row = Row(seat_id);
    if (row.status == "LOCKED" && row.user_id == Str(u.id) && row.live) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "seat " << seat_id << " in the database: status=" << row.status
           << " user_id=" << row.user_id << " live=" << row.live << ", expected held by " << u.id;
  }
  ::testing::AssertionResult NotHeldBy(std::int64_t seat_id, const User& u) {
    const SeatRow row = Row(seat_id);
    if (row.status == "LOCKED" && row.user_id == Str(u.id) && row.live) {
      return ::testing::AssertionFailure() << "seat " << seat_id << " is held by " << u.id;
    }
    return ::testing::AssertionSuccess();
  }
  ::testing::AssertionResult IsLocked(const Response& r, const Seat& seat) {
    auto result = IsJson(r, 200);
    if (!result) return result;
    result = HasExactKeys(r.json, kLockedKeys);
    if (!result) return result << "\n  " << r.describe();
    if (r.json["message"].string() != "Locked" || r.json["seat_id"].integer() != seat.id ||
        r.json["show_id"].integer() != seat.show_id ||
        !IsRfc3339Utc(r.json["expires_at"].string())) {
      return ::testing::AssertionFailure() << "expected Locked for seat " << seat.id << " of show "
                                           << seat.show_id << "\n  " << r.describe();
    }
    return ::testing::AssertionSuccess();
  }
  ::testing::AssertionResult IsReleased(const Response& r, const Seat& seat) {
    auto result = IsJson(r, 200);
    if (!result) return result;
    if (!r.json.is_object() || r.json.keys() != kReleasedKeys ||
        r.json["message"].string() != "Released" || r.json["seat_id"].integer() != seat.id) {
      return ::testing::AssertionFailure()
             << "expected exactly {\"message\":\"Released\",\"seat_id\":" << seat.id << "}\n  "
             << r.describe();
    }
    return ::testing::AssertionSuccess();
  }
  std::string Expiry(const Response& r) { return r.json["expires_at"].string(); }
};

TEST_F(Holds, LockAnswersSeatShowAndExpiryJudgedByTheDatabaseClock) {
  const User u = RegisterUser("hold.lock");
  const Seat seat = Pool().TakeOne();
  const TimePoint before = db().now();
  const Response r = Lock(client, u, seat.id);
  const TimePoint after = db().now();
  ASSERT_TRUE(IsLocked(r, seat));
  const TimePoint expires = ParseTime(Expiry(r));
  const auto hold = std::chrono::seconds(settings().hold_seconds);
  EXPECT_GE(expires, before + hold - std::chrono::seconds(1)) << Expiry(r);
  EXPECT_LE(expires, after + hold + std::chrono::seconds(1)) << Expiry(r);
  EXPECT_TRUE(HeldBy(seat.id, u));
  EXPECT_LE(std::abs(SecondsBetween(ParseTime(Row(seat.id).expires), expires)), 0.001)
      << "the database's hold_expires_at differs from the answer's expires_at";
}

TEST_F(Holds, PostIsAnAliasOfPatch) {
  const User u = RegisterUser("hold.post");
  const Seat seat = Pool().TakeOne();
  EXPECT_TRUE(IsLocked(client.post(SeatLockPath(seat.id), Auth(u.token)), seat));
  EXPECT_TRUE(HeldBy(seat.id, u));
}

TEST_F(Holds, EmptyObjectAndStatusLockedBodiesLock) {
  const User u = RegisterUser("hold.bodies");
  const auto seats = Pool().Take(3);
  EXPECT_TRUE(IsLocked(client.patch(SeatLockPath(seats[0].id), JsonBody(Json::object(), u.token)),
                       seats[0]));
  EXPECT_TRUE(IsLocked(client.patch(SeatLockPath(seats[1].id),
                                    JsonBody(Json::object().set("status", "LOCKED"), u.token)),
                       seats[1]));
  EXPECT_TRUE(IsLocked(client.post(SeatLockPath(seats[2].id),
                                   JsonBody(Json::object().set("status", "LOCKED"), u.token)),
                       seats[2]));
  for (const auto& s : seats) EXPECT_TRUE(HeldBy(s.id, u));
}

TEST_F(Holds, RelockingOwnHoldKeepsTheSameExpiry) {
  const User u = RegisterUser("hold.relock");
  const Seat seat = Pool().TakeOne();
  const Response first = Lock(client, u, seat.id);
  ASSERT_TRUE(IsLocked(first, seat));
  const std::string db_expiry = Row(seat.id).expires;
  // Let the clock move on so that a stretched hold would show a later expiry.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const Response again = Lock(client, u, seat.id);
  EXPECT_TRUE(IsLocked(again, seat));
  EXPECT_EQ(Expiry(again), Expiry(first));
  const Response via_post = client.post(SeatLockPath(seat.id), Auth(u.token));
  EXPECT_TRUE(IsLocked(via_post, seat));
  EXPECT_EQ(Expiry(via_post), Expiry(first));
  EXPECT_EQ(Row(seat.id).expires, db_expiry) << "the hold was stretched in the database";
}

TEST_F(Holds, SeatHeldByAnotherUserIs409SeatUnavailable) {
  const User holder = RegisterUser("hold.holder");
  const User other = RegisterUser("hold.other");
  const Seat seat = Pool().TakeOne();
  ASSERT_TRUE(IsLocked(Lock(client, holder, seat.id), seat));
  const Response r = Lock(client, other, seat.id);
  EXPECT_TRUE(IsProblem(r, 409, "seat_unavailable"));
  EXPECT_EQ(r.body.find(holder.email), std::string::npos) << "the holder is revealed";
  EXPECT_EQ(r.body.find(holder.name), std::string::npos) << "the holder is revealed";
  EXPECT_TRUE(
      IsProblem(client.post(SeatLockPath(seat.id), Auth(other.token)), 409, "seat_unavailable"));
  EXPECT_TRUE(HeldBy(seat.id, holder));
}

TEST_F(Holds, SoldSeatIs409SeatUnavailableEvenForItsBuyer) {
  const User buyer = RegisterUser("hold.buyer");
  const User other = RegisterUser("hold.late");
  const Seat seat = Pool().TakeOne();
  MustLock(client, buyer, {seat.id});
  CancelAtEnd(buyer, MustBook(client, buyer, seat.show_id, {seat.id}));
  EXPECT_TRUE(IsProblem(Lock(client, other, seat.id), 409, "seat_unavailable"));
  EXPECT_TRUE(IsProblem(Lock(client, buyer, seat.id), 409, "seat_unavailable"));
  EXPECT_EQ(Row(seat.id).status, "SOLD");
}

TEST_F(Holds, DeleteReleasesTheHold) {
  const User u = RegisterUser("hold.release");
  const User next = RegisterUser("hold.next");
  const Seat seat = Pool().TakeOne();
  ASSERT_TRUE(IsLocked(Lock(client, u, seat.id), seat));
  EXPECT_TRUE(IsReleased(Release(client, u, seat.id), seat));
  EXPECT_TRUE(NotHeldBy(seat.id, u));
  EXPECT_EQ(FindSeat(client.get(ShowSeatsPath(seat.show_id)).json, seat.id)["status"].string(),
            "AVAILABLE");
  EXPECT_TRUE(IsLocked(Lock(client, next, seat.id), seat));
}

TEST_F(Holds, StatusAvailableBodyReleasesLikeDelete) {
  const User u = RegisterUser("hold.body.release");
  const User next = RegisterUser("hold.body.next");
  const auto seats = Pool().Take(2);
  MustLock(client, u, Ids(seats));
  const Json available = Json::object().set("status", "AVAILABLE");
  EXPECT_TRUE(
      IsReleased(client.patch(SeatLockPath(seats[0].id), JsonBody(available, u.token)), seats[0]));
  EXPECT_TRUE(
      IsReleased(client.post(SeatLockPath(seats[1].id), JsonBody(available, u.token)), seats[1]));
  for (const auto& s : seats) {
    EXPECT_TRUE(NotHeldBy(s.id, u));
    EXPECT_TRUE(IsLocked(Lock(client, next, s.id), s));
  }
}

TEST_F(Holds, ReleasingAFreeSeatIsIdempotent) {
  const User u = RegisterUser("hold.idem");
  const auto seats = Pool().Take(2);
  EXPECT_TRUE(IsReleased(Release(client, u, seats[0].id), seats[0])) << "never held";
  ASSERT_TRUE(IsLocked(Lock(client, u, seats[1].id), seats[1]));
  EXPECT_TRUE(IsReleased(Release(client, u, seats[1].id), seats[1]));
  EXPECT_TRUE(IsReleased(Release(client, u, seats[1].id), seats[1])) << "released twice";
  EXPECT_TRUE(IsReleased(client.patch(SeatLockPath(seats[1].id),
                                      JsonBody(Json::object().set("status", "AVAILABLE"), u.token)),
                         seats[1]));
}

TEST_F(Holds, ReleasingAnotherUsersHoldIs409NotLockHolder) {
  const User holder = RegisterUser("hold.mine");
  const User other = RegisterUser("hold.thief");
  const Seat seat = Pool().TakeOne();
  ASSERT_TRUE(IsLocked(Lock(client, holder, seat.id), seat));
  EXPECT_TRUE(IsProblem(Release(client, other, seat.id), 409, "not_lock_holder"));
  EXPECT_TRUE(
      IsProblem(client.patch(SeatLockPath(seat.id),
                             JsonBody(Json::object().set("status", "AVAILABLE"), other.token)),
                409, "not_lock_holder"));
  EXPECT_TRUE(HeldBy(seat.id, holder));
}

TEST_F(Holds, ReleasingASoldSeatIs409NotLockHolder) {
  const User buyer = RegisterUser("hold.sold.buyer");
  const User other = RegisterUser("hold.sold.other");
  const Seat seat = Pool().TakeOne();
  MustLock(client, buyer, {seat.id});
  CancelAtEnd(buyer, MustBook(client, buyer, seat.show_id, {seat.id}));
  EXPECT_TRUE(IsProblem(Release(client, buyer, seat.id), 409, "not_lock_holder"));
  EXPECT_TRUE(IsProblem(Release(client, other, seat.id), 409, "not_lock_holder"));
  EXPECT_EQ(Row(seat.id).status, "SOLD");
}

TEST_F(Holds, UnknownStatusValueIs422) {
  const User u = RegisterUser("hold.status");
  const Seat seat = Pool().TakeOne();
  const Json values[] = {Json("locked"), Json("available"),   Json("SOLD"),
                         Json(""),       Json("LOCKED "),     Json(1),
                         Json::null(),   Json::boolean(true), Json::array()};
  for (const auto& v : values) {
    SCOPED_TRACE("status = " + v.dump());
    const Response r =
        client.patch(SeatLockPath(seat.id), JsonBody(Json::object().set("status", v), u.token));
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, "status"));
  }
  EXPECT_TRUE(NotHeldBy(seat.id, u));
}

TEST_F(Holds, LockNeedsAValidToken) {
  const Seat seat = Pool().TakeOne();
  EXPECT_TRUE(IsProblem(client.patch(SeatLockPath(seat.id)), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.patch(SeatLockPath(seat.id), Auth("garbage")), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.del(SeatLockPath(seat.id)), 401, "unauthorized"));
  EXPECT_NE(Row(seat.id).status, "LOCKED");
}

TEST_F(Holds, UnknownSeatIs404SeatNotFound) {
  const User u = RegisterUser("hold.unknown");
  const std::int64_t unknown = db().integer("SELECT COALESCE(MAX(id), 0) + 100000 FROM show_seats");
  EXPECT_TRUE(IsProblem(Lock(client, u, unknown), 404, "seat_not_found"));
  EXPECT_TRUE(IsProblem(Release(client, u, unknown), 404, "seat_not_found"));
  EXPECT_TRUE(IsProblem(client.post(SeatLockPath(unknown), Auth(u.token)), 404, "seat_not_found"));
}

TEST_F(Holds, StartedShowIs409ShowStarted) {
  const User u = RegisterUser("hold.started");
  const Response grid = client.get(ShowSeatsPath(StartedShowId()));
  ASSERT_TRUE(IsJson(grid, 200));
  const std::int64_t seat = grid.json.at(0)["id"].integer();
  EXPECT_TRUE(IsProblem(Lock(client, u, seat), 409, "show_started"));
  EXPECT_TRUE(IsProblem(client.post(SeatLockPath(seat), Auth(u.token)), 409, "show_started"));
  EXPECT_TRUE(NotHeldBy(seat, u));
}

TEST_F(Holds, HoldLimitIsReachedAtMaxPlusOne) {
  const int max = settings().max_holds_per_show;
  const User u = RegisterUser("hold.limit");
  const auto seats = Pool().Take(max + 2);
  std::vector<Response> locks;
  for (int i = 0; i < max; ++i) {
    locks.push_back(Lock(client, u, seats[static_cast<std::size_t>(i)].id));
    EXPECT_TRUE(IsLocked(locks.back(), seats[static_cast<std::size_t>(i)]));
  }
  const Seat& extra = seats[static_cast<std::size_t>(max)];
  EXPECT_TRUE(IsProblem(Lock(client, u, extra.id), 409, "hold_limit_reached"));
  EXPECT_TRUE(NotHeldBy(extra.id, u));

  // Re-locking a seat already held is fine at the limit, and keeps its expiry.
  const Response relock = Lock(client, u, seats[0].id);
  EXPECT_TRUE(IsLocked(relock, seats[0]));
  EXPECT_EQ(Expiry(relock), Expiry(locks[0]));

  // The limit is per show.
  const Seat elsewhere = Pool().TakeOne(seats[0].show_id);
  EXPECT_TRUE(IsLocked(Lock(client, u, elsewhere.id), elsewhere));

  // Releasing one makes room for exactly one more.
  EXPECT_TRUE(IsReleased(Release(client, u, seats[1].id), seats[1]));
  EXPECT_TRUE(IsLocked(Lock(client, u, extra.id), extra));
  EXPECT_TRUE(IsProblem(Lock(client, u, seats[static_cast<std::size_t>(max) + 1].id), 409,
                        "hold_limit_reached"));
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND "
                         "hold_expires_at > UTC_TIMESTAMP(6) AND user_id = " +
                         Str(u.id) + " AND show_id = " + Str(seats[0].show_id)),
            max);
}

TEST_F(Holds, ExpiredHoldIsFreeForOthersAndItsOldHolderCannotBookIt) {
  const User first = RegisterUser("hold.lapse.first");
  const User second = RegisterUser("hold.lapse.second");
  const Seat seat = Pool().TakeOne();
  const Response lock = Lock(client, first, seat.id);
  ASSERT_TRUE(IsLocked(lock, seat));
  WaitForDbTimePast(db(), ParseTime(Expiry(lock)));

  const Response taken = Lock(client, second, seat.id);
  ASSERT_TRUE(IsLocked(taken, seat));
  EXPECT_GT(ParseTime(Expiry(taken)), ParseTime(Expiry(lock)));
  EXPECT_TRUE(HeldBy(seat.id, second));

  const Response late = Book(client, first, seat.show_id, {seat.id});
  EXPECT_TRUE(IsProblem(late, 409, "seat_not_held"));
  EXPECT_TRUE(IsProblem(Lock(client, first, seat.id), 409, "seat_unavailable"));
  EXPECT_TRUE(IsProblem(Release(client, first, seat.id), 409, "not_lock_holder"));
  EXPECT_TRUE(HeldBy(seat.id, second));

  const Response booked = Book(client, second, seat.show_id, {seat.id});
  ASSERT_TRUE(IsJson(booked, 201));
  CancelAtEnd(second, booked.json["booking_id"].integer());
}

TEST_F(Holds, ExpiredHoldCanBeReleasedByAnyoneAndRelockedWithANewExpiry) {
  const User holder = RegisterUser("hold.old");
  const User other = RegisterUser("hold.bystander");
  const auto seats = Pool().Take(2);
  const Response lock0 = Lock(client, holder, seats[0].id);
  const Response lock1 = Lock(client, holder, seats[1].id);
  ASSERT_TRUE(IsLocked(lock0, seats[0]));
  ASSERT_TRUE(IsLocked(lock1, seats[1]));
  WaitForDbTimePast(db(), ParseTime(Expiry(lock1)));

  EXPECT_TRUE(IsReleased(Release(client, other, seats[0].id), seats[0]))
      << "releasing a lapsed hold is 200 whoever asks";
  EXPECT_TRUE(IsReleased(Release(client, holder, seats[0].id), seats[0]));
  const Response relock = Lock(client, holder, seats[1].id);
  EXPECT_TRUE(IsLocked(relock, seats[1]));
  EXPECT_GT(ParseTime(Expiry(relock)), ParseTime(Expiry(lock1))) << "a lapsed hold starts anew";
}

TEST_F(Holds, ExpiredHoldsDoNotCountTowardTheLimit) {
  const int max = settings().max_holds_per_show;
  const User u = RegisterUser("hold.limit.lapse");
  const auto seats = Pool().Take(2 * max);
  Response last;
  for (int i = 0; i < max; ++i) {
    last = Lock(client, u, seats[static_cast<std::size_t>(i)].id);
    ASSERT_TRUE(IsLocked(last, seats[static_cast<std::size_t>(i)]));
  }
  WaitForDbTimePast(db(), ParseTime(Expiry(last)));
  for (int i = max; i < 2 * max; ++i) {
    EXPECT_TRUE(IsLocked(Lock(client, u, seats[static_cast<std::size_t>(i)].id),
                         seats[static_cast<std::size_t>(i)]));
  }
}

}  // namespace
}  // namespace seats_test
