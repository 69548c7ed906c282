// Idempotency-Key on POST /bookings (API.md "Bookings").
#include <gtest/gtest.h>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/parallel.hpp"
#include "support/seat_pool.hpp"

namespace seats_test {
namespace {

// This binary's seats: the fifth future demo show.
SeatPool& Pool() {
  static SeatPool pool({{4, "ABCDE"}});
  return pool;
}

std::string UniqueKey(const std::string& tag) { return "key-" + UniqueEmail(tag); }

class Idempotency : public ApiTest {
 protected:
  std::int64_t BookingsOf(const User& u) {
    return db().integer("SELECT COUNT(*) FROM bookings WHERE user_id = " + Str(u.id));
  }
  // The same status, Content-Type and JSON body.
  ::testing::AssertionResult SameAnswer(const Response& replay, const Response& original) {
    if (replay.status == original.status && replay.media_type() == original.media_type() &&
        replay.json.present() && replay.json == original.json) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "replay differs from the original answer\n  original " << original.describe()
           << "\n  replay   " << replay.describe();
  }
};

TEST_F(Idempotency, ReplayReturnsTheOriginalAnswerAndBooksOnce) {
  const User u = RegisterUser("idem.replay");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::string key = UniqueKey("replay");
  const Response first = Book(client, u, seat.show_id, {seat.id}, key);
  ASSERT_TRUE(IsJson(first, 201));
  CancelAtEnd(u, first.json["booking_id"].integer());

  Client elsewhere;  // the same caller from another connection and address
  const Response second = Book(elsewhere, u, seat.show_id, {seat.id}, key);
  EXPECT_TRUE(SameAnswer(second, first));
  const Response third = Book(client, u, seat.show_id, {seat.id}, key);
  EXPECT_TRUE(SameAnswer(third, first));
  EXPECT_EQ(BookingsOf(u), 1);
}

TEST_F(Idempotency, SameKeyWithADifferentBodyIs422KeyReused) {
  const User u = RegisterUser("idem.reuse");
  const auto seats = Pool().Take(2);
  MustLock(client, u, Ids(seats));
  const std::string key = UniqueKey("reuse");
  const Response first = Book(client, u, seats[0].show_id, {seats[0].id}, key);
  ASSERT_TRUE(IsJson(first, 201));
  CancelAtEnd(u, first.json["booking_id"].integer());

  EXPECT_TRUE(IsProblem(Book(client, u, seats[1].show_id, {seats[1].id}, key), 422,
                        "idempotency_key_reused"));
  EXPECT_EQ(BookingsOf(u), 1);
  EXPECT_EQ(db().value("SELECT status FROM show_seats WHERE id = " + Str(seats[1].id)).value_or(""),
            "LOCKED")
      << "the second seat must still be only held";
}

TEST_F(Idempotency, ErrorAnswersAreReplayedToo) {
  const User u = RegisterUser("idem.error");
  const Seat seat = Pool().TakeOne();
  const std::string key = UniqueKey("error");
  const Response refused = Book(client, u, seat.show_id, {seat.id}, key);
  ASSERT_TRUE(IsProblem(refused, 409, "seat_not_held"));

  MustLock(client, u, {seat.id});
  const Response replay = Book(client, u, seat.show_id, {seat.id}, key);
  EXPECT_TRUE(SameAnswer(replay, refused)) << "the stored 409 must come back";
  EXPECT_EQ(BookingsOf(u), 0);

  const Response fresh = Book(client, u, seat.show_id, {seat.id}, UniqueKey("error.new"));
  ASSERT_TRUE(IsJson(fresh, 201));
  CancelAtEnd(u, fresh.json["booking_id"].integer());
}

TEST_F(Idempotency, KeysBelongToTheirCaller) {
  const User a = RegisterUser("idem.a");
  const User b = RegisterUser("idem.b");
  const auto seats = Pool().Take(2);
  MustLock(client, a, {seats[0].id});
  MustLock(client, b, {seats[1].id});
  const std::string key = UniqueKey("shared");
  const Response ra = Book(client, a, seats[0].show_id, {seats[0].id}, key);
  const Response rb = Book(client, b, seats[1].show_id, {seats[1].id}, key);
  ASSERT_TRUE(IsJson(ra, 201));
  ASSERT_TRUE(IsJson(rb, 201));
  CancelAtEnd(a, ra.json["booking_id"].integer());
  CancelAtEnd(b, rb.json["booking_id"].integer());
  EXPECT_NE(ra.json["booking_id"].integer(), rb.json["booking_id"].integer());
}

TEST_F(Idempotency, MalformedKeyIs422) {
  const User u = RegisterUser("idem.malformed");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const Json body = BookingBody(seat.show_id, {seat.id});
  struct Case {
    std::string label;
    std::string header;
  };
  const Case cases[] = {
      {"empty", "Idempotency-Key;"},
      {"256 bytes", "Idempotency-Key: " + std::string(256, 'k')},
      {"control character", "Idempotency-Key: bad\x01key"},
      {"DEL", "Idempotency-Key: bad\x7fkey"},
      {"non-ASCII", "Idempotency-Key: caf\xC3\xA9"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    const Response r = client.post(kBookingsPath, JsonBody(body, u.token).Header(c.header));
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, "Idempotency-Key"));
  }
  EXPECT_EQ(BookingsOf(u), 0);

  const std::string unique = UniqueKey("max");
  const std::string longest = std::string(255 - unique.size(), 'k') + unique;
  const Response ok =
      client.post(kBookingsPath, JsonBody(body, u.token).Header("Idempotency-Key: " + longest));
  ASSERT_TRUE(IsJson(ok, 201)) << "a 255-byte printable key is valid";
  CancelAtEnd(u, ok.json["booking_id"].integer());
}

TEST_F(Idempotency, TwentyParallelRequestsWithOneKeyBookOnce) {
  constexpr int kRequests = 20;
  const User u = RegisterUser("idem.parallel");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::string key = UniqueKey("parallel");
  const auto answers = RunTogether(
      kRequests, [&](int, Client& c) { return Book(c, u, seat.show_id, {seat.id}, key); });

  const Response* created = nullptr;
  int in_progress = 0;
  for (const auto& r : answers) {
    if (r.status == 201) {
      if (created == nullptr) created = &r;
      EXPECT_TRUE(SameAnswer(r, *created));
    } else {
      EXPECT_TRUE(IsProblem(r, 409, "request_in_progress"));
      ++in_progress;
    }
  }
  ASSERT_NE(created, nullptr) << "no request got the booking";
  CancelAtEnd(u, created->json["booking_id"].integer());
  EXPECT_EQ(BookingsOf(u), 1);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats WHERE seat_id = " + Str(seat.id) +
                         " AND sold = 1"),
            1);
  RecordProperty("request_in_progress", in_progress);
}

}  // namespace
}  // namespace seats_test
