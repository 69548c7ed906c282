// Idempotency-Key on POST /bookings (API.md "Bookings").
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
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

// A booking body padded to just under 16 KiB with numbers that jansson re-serialises at
// several times their length (0.1 -> 0.10000000000000001): the canonical form of such a
// body used to be stored whole, outgrew its TEXT column and answered 500.
std::string PaddedBookingBody(std::int64_t show_id, std::int64_t seat_id) {
  std::string body = "{\"show_id\":" + Str(show_id) + ",\"seat_id\":" + Str(seat_id) + ",\"pad\":[";
  while (body.size() < 16 * 1024 - 8) body += "0.1,";
  body.back() = ']';
  return body + "}";
}

TEST_F(Idempotency, AKeyCostsAFewDozenBytesWhateverTheBodySize) {
  const User u = RegisterUser("idem.size");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::string body = PaddedBookingBody(seat.show_id, seat.id);
  ASSERT_LE(body.size(), 16u * 1024) << "within the body limit";
  const std::string key = UniqueKey("size");
  Request request = RawBody(body, u.token).Header("Idempotency-Key: " + key);
  const Response first = client.post(kBookingsPath, request);
  ASSERT_TRUE(IsJson(first, 201)) << "a body within 16 KiB is never a 5xx, whatever its numbers";
  CancelAtEnd(u, first.json["booking_id"].integer());
  EXPECT_TRUE(SameAnswer(client.post(kBookingsPath, request), first));

  // What the row costs beyond the answer it must replay: the key, the request and the
  // claim are kept as fixed-size digests, never as the texts sent.
  const auto row = db().rows(
      "SELECT LENGTH(key_digest) + LENGTH(request_digest) + 8, LENGTH(response_body) "
      "FROM idempotency_keys WHERE user_id = " +
      Str(u.id));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_LE(std::stoll(row[0][0].value_or("0")), 72) << "bytes kept for key, body and claim";
  EXPECT_LE(std::stoll(row[0][1].value_or("0")), 512) << "the stored answer is the 201's body";
  RecordProperty("request_bytes", std::to_string(body.size()));
  RecordProperty("stored_bytes_besides_answer", row[0][0].value_or(""));
}

TEST_F(Idempotency, KeysPerUserPerDayAreBounded) {
  const int limit = settings().idempotency_keys_per_day;
  if (limit > 200) GTEST_SKIP() << "IDEMPOTENCY_KEYS_PER_DAY=" << limit << " is too many to use up";
  const User u = RegisterUser("idem.bound");
  // Requests for a show that does not exist: each one stores its 404 under its own key.
  std::vector<std::string> keys;
  for (int i = 0; i < limit; ++i) {
    keys.push_back(UniqueKey("bound." + std::to_string(i)));
    ASSERT_TRUE(IsProblem(Book(client, u, 999999999, {1}, keys.back()), 404, "show_not_found"))
        << "key " << i + 1;
  }
  const Response over = Book(client, u, 999999999, {1}, UniqueKey("bound.over"));
  ASSERT_TRUE(IsProblem(over, 429, "too_many_requests"));
  const std::string retry_after = over.header("retry-after");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GT(std::stol(retry_after), 86400 - 600)
      << "the first key frees up a day after it was made";
  EXPECT_LE(std::stol(retry_after), 86401);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM idempotency_keys WHERE user_id = " + Str(u.id)),
            limit)
      << "a refused key stores nothing";

  // At the bound, a replay still gets its stored answer, and a request without a key runs.
  EXPECT_TRUE(IsProblem(Book(client, u, 999999999, {1}, keys.front()), 404, "show_not_found"));
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const Response unkeyed = Book(client, u, seat.show_id, {seat.id});
  ASSERT_TRUE(IsJson(unkeyed, 201));
  CancelAtEnd(u, unkeyed.json["booking_id"].integer());
}

// A request whose claim was taken over (it ran past the abandoned-claim age) must not
// overwrite the answer the newer request stores: a booking that exists is never answered
// with a stale attempt's refusal. The first request is held up on a seat lock the test
// owns until its first attempt times out (lock wait, 3 s by default) and it retries; its
// claim is aged by hand meanwhile, so the second request takes the claim over in the gap
// between the attempts.
TEST_F(Idempotency, AStaleAttemptNeverReplacesTheStoredAnswer) {
  const User u = RegisterUser("idem.stale");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::string key = UniqueKey("stale");
  const std::string claim_row = "FROM idempotency_keys WHERE user_id = " + Str(u.id);
  const auto lock_wait = std::chrono::seconds(EnvInt("LOCK_WAIT_SECONDS", 3));

  Db blocker;
  blocker.exec("START TRANSACTION");
  blocker.rows("SELECT id FROM show_seats WHERE id = " + Str(seat.id) + " FOR UPDATE");
  const auto started = std::chrono::steady_clock::now();

  Response stale, fresh;
  std::thread first([&] {
    Client c;
    stale = Book(c, u, seat.show_id, {seat.id}, key);
  });
  while (db().integer("SELECT COUNT(*) " + claim_row) == 0 &&
         std::chrono::steady_clock::now() < started + std::chrono::seconds(1)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(db().integer("SELECT COUNT(*) " + claim_row), 1) << "the first request claimed";
  db().exec("UPDATE idempotency_keys SET created_at = NOW(6) - INTERVAL 1 HOUR WHERE user_id = " +
            Str(u.id));
  // Sent half-way through the first attempt's lock wait: its claim waits for that attempt
  // to give up (the first request holds the user's row) and takes the claim over.
  std::this_thread::sleep_until(started + lock_wait / 2);
  std::thread second([&] {
    Client c;
    fresh = Book(c, u, seat.show_id, {seat.id}, key);
  });
  std::this_thread::sleep_until(started + lock_wait + std::chrono::milliseconds(600));
  blocker.exec("COMMIT");
  first.join();
  second.join();

  ASSERT_TRUE(IsJson(fresh, 201)) << "the request that took the claim over books";
  CancelAtEnd(u, fresh.json["booking_id"].integer());
  // Whichever of the two gets the seat first, the stale attempt does not book: it finds the
  // seat sold, or it finds its claim gone when it comes to store its 201 and rolls back.
  EXPECT_TRUE(IsProblem(stale, 409, "seat_not_held") ||
              IsProblem(stale, 409, "request_in_progress"))
      << stale.describe();
  EXPECT_EQ(BookingsOf(u), 1);
  EXPECT_EQ(db().value("SELECT status_code " + claim_row).value_or(""), "201")
      << "the stored answer is the 201 of the booking that exists";
  EXPECT_TRUE(SameAnswer(Book(client, u, seat.show_id, {seat.id}, key), fresh))
      << "a replay answers with the booking that exists";
}

}  // namespace
}  // namespace seats_test
