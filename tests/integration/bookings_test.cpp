// Bookings: POST/GET /bookings and DELETE /bookings/:id (API.md "Bookings").
#include <gtest/gtest.h>

#include <algorithm>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/seat_pool.hpp"
#include "support/timeutil.hpp"

namespace seats_test {
namespace {

// This binary's seats: the third and fourth future demo shows.
SeatPool& Pool() {
  static SeatPool pool({{2, "ABCDE"}, {3, "ABCDE"}});
  return pool;
}

constexpr const char* kLargestId = "9223372036854775807";
const std::set<std::string> kCreatedKeys = {"booking_id",  "status",   "show_id", "seat_ids",
                                            "total_cents", "currency", "message", "ticket_code"};
const std::set<std::string> kListedKeys = {
    "booking_id", "status",      "time",     "show_id",  "movie_title", "theatre",      "seats",
    "created_at", "total_cents", "currency", "timezone", "ticket_code", "checked_in_at"};

// API.md: the message never claims a mail the service will not send.
std::string ExpectedMessage() {
  return settings().smtp_url.empty() ? "Booking confirmed." : "Ticket sent to your email.";
}

std::vector<std::int64_t> Sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::int64_t> IdsOf(const Json& array) {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < array.size(); ++i) out.push_back(array.at(i).integer());
  return out;
}

class Bookings : public ApiTest {
 protected:
  // A 201 with exactly the documented members for these seats (in any order).
  ::testing::AssertionResult IsConfirmed(const Response& r, std::int64_t show,
                                         const std::vector<std::int64_t>& seats) {
    auto result = IsJson(r, 201);
    if (!result) return result;
    result = HasExactKeys(r.json, kCreatedKeys);
    if (!result) return result << "\n  " << r.describe();
    if (!r.json["booking_id"].is_integer() || r.json["status"].string() != "CONFIRMED" ||
        r.json["show_id"].integer() != show || !r.json["seat_ids"].is_array() ||
        Sorted(IdsOf(r.json["seat_ids"])) != Sorted(seats) ||
        r.json["message"].string() != ExpectedMessage()) {
      return ::testing::AssertionFailure()
             << "expected a CONFIRMED booking of show " << show << " seats "
             << IdArrayOf(seats).dump() << "\n  " << r.describe();
    }
    // The show's price for each seat, as the answer and as stored.
    const std::int64_t total =
        db().integer("SELECT price_cents FROM shows WHERE id = " + Str(show)) *
        static_cast<std::int64_t>(seats.size());
    const std::int64_t stored = db().integer("SELECT total_cents FROM bookings WHERE id = " +
                                             Str(r.json["booking_id"].integer()));
    if (!r.json["total_cents"].is_integer() || r.json["total_cents"].integer() != total ||
        stored != total || r.json["currency"].string() != settings().currency) {
      return ::testing::AssertionFailure()
             << "expected a total of " << total << " " << settings().currency << ", stored "
             << stored << "\n  " << r.describe();
    }
    // A ticket code of 128 random bits in hex, as stored, and no other booking's.
    const std::string code = r.json["ticket_code"].string();
    const std::string stored_code = db().value("SELECT ticket_code FROM bookings WHERE id = " +
                                               Str(r.json["booking_id"].integer()))
                                        .value_or("");
    if (code.size() != 32 || code.find_first_not_of("0123456789abcdef") != std::string::npos ||
        code != stored_code) {
      return ::testing::AssertionFailure() << "expected a 32-hex-digit ticket code as stored ("
                                           << stored_code << ")\n  " << r.describe();
    }
    return ::testing::AssertionSuccess();
  }
  std::int64_t BookingsOf(const User& u) {
    return db().integer("SELECT COUNT(*) FROM bookings WHERE user_id = " + Str(u.id));
  }
  // Seats (of those given) the database shows as live holds of u.
  std::int64_t LiveHolds(const User& u, const std::vector<std::int64_t>& seats) {
    return db().integer(
        "SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND hold_expires_at > "
        "UTC_TIMESTAMP(6) AND user_id = " +
        Str(u.id) + " AND id IN (" + IdList(seats) + ")");
  }
  std::string SeatStatus(std::int64_t seat) {
    return db().value("SELECT status FROM show_seats WHERE id = " + Str(seat)).value_or("");
  }
  // The problem's detail names the seat, by name (e.g. "C3") or by id.
  ::testing::AssertionResult NamesSeat(const Response& r, const Seat& seat) {
    if (DetailMentions(r, seat.name) || DetailMentions(r, Str(seat.id))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "detail names neither " << seat.name << " nor " << seat.id << "\n  " << r.describe();
  }
};

TEST_F(Bookings, SingleSeatIdIsBookedAndTheSeatIsSold) {
  const User u = RegisterUser("book.one");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const Response r = client.post(
      kBookingsPath,
      JsonBody(Json::object().set("show_id", Json(seat.show_id)).set("seat_id", Json(seat.id)),
               u.token));
  ASSERT_TRUE(IsConfirmed(r, seat.show_id, {seat.id}));
  const std::int64_t booking = r.json["booking_id"].integer();
  CancelAtEnd(u, booking);

  EXPECT_EQ(SeatStatus(seat.id), "SOLD");
  const auto row =
      db().rows("SELECT user_id, show_id, status FROM bookings WHERE id = " + Str(booking));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].value_or(""), Str(u.id));
  EXPECT_EQ(row[0][1].value_or(""), Str(seat.show_id));
  EXPECT_EQ(row[0][2].value_or(""), "CONFIRMED");
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats WHERE booking_id = " + Str(booking) +
                         " AND seat_id = " + Str(seat.id) + " AND sold = 1"),
            1);
  const Json listed =
      FindSeat(client.get(ShowSeatsPath(seat.show_id), Auth(u.token)).json, seat.id);
  EXPECT_EQ(listed["status"].string(), "SOLD") << listed.dump();
  EXPECT_FALSE(listed.has("held_by_me")) << "a sold seat is not a hold: " << listed.dump();
}

TEST_F(Bookings, SeveralSeatsAreBookedTogether) {
  const User u = RegisterUser("book.many");
  const auto seats = Pool().Take(3);
  MustLock(client, u, Ids(seats));
  const Response r = Book(client, u, seats[0].show_id, Ids(seats));
  ASSERT_TRUE(IsConfirmed(r, seats[0].show_id, Ids(seats)));
  CancelAtEnd(u, r.json["booking_id"].integer());
  for (const auto& s : seats) EXPECT_EQ(SeatStatus(s.id), "SOLD") << s.name;
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats WHERE booking_id = " +
                         Str(r.json["booking_id"].integer()) + " AND sold = 1"),
            3);
}

TEST_F(Bookings, TenSeatsIsTheMostInOneBooking) {
  if (settings().max_holds_per_show < 10) GTEST_SKIP() << "MAX_HOLDS_PER_SHOW < 10";
  const User u = RegisterUser("book.ten");
  const auto seats = Pool().Take(10);
  MustLock(client, u, Ids(seats));
  const Response r = Book(client, u, seats[0].show_id, Ids(seats));
  ASSERT_TRUE(IsConfirmed(r, seats[0].show_id, Ids(seats)));
  CancelAtEnd(u, r.json["booking_id"].integer());
}

TEST_F(Bookings, ElevenSeatsIs422) {
  const User u = RegisterUser("book.eleven");
  const auto seats = Pool().Take(11);
  const Response r = Book(client, u, seats[0].show_id, Ids(seats));
  EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(r, "seat_ids"));
}

TEST_F(Bookings, SeatListMustHoldOneToTenDistinctIds) {
  const User u = RegisterUser("book.list");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const Response empty = Book(client, u, seat.show_id, {});
  EXPECT_TRUE(IsProblem(empty, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(empty, "seat_ids"));
  const Response twice = Book(client, u, seat.show_id, {seat.id, seat.id});
  EXPECT_TRUE(IsProblem(twice, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(twice, "seat_ids"));
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_EQ(LiveHolds(u, {seat.id}), 1);
}

TEST_F(Bookings, SeatIdAndSeatIdsTogetherOrNeitherAre422) {
  const User u = RegisterUser("book.both");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const Response both =
      client.post(kBookingsPath, JsonBody(Json::object()
                                              .set("show_id", Json(seat.show_id))
                                              .set("seat_id", Json(seat.id))
                                              .set("seat_ids", IdArray({seat.id})),
                                          u.token));
  EXPECT_TRUE(IsProblem(both, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(both, "seat_id"));
  const Response neither = client.post(
      kBookingsPath, JsonBody(Json::object().set("show_id", Json(seat.show_id)), u.token));
  EXPECT_TRUE(IsProblem(neither, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(neither, "seat_id"));
  const Response no_show =
      client.post(kBookingsPath, JsonBody(Json::object().set("seat_id", Json(seat.id)), u.token));
  EXPECT_TRUE(IsProblem(no_show, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(no_show, "show_id"));
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_EQ(LiveHolds(u, {seat.id}), 1);
}

TEST_F(Bookings, IdsThatAreNotIntegersInRangeAre422) {
  // The seat is held, so a server that coerced any of these would book it.
  const User u = RegisterUser("book.types");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::string show = Str(seat.show_id);
  const std::string id = Str(seat.id);
  // ID stands for the real id.
  const std::string bad_numbers[] = {
      "\"ID\"", "ID.0", "ID.5", "IDe0", "-ID", "0", "9223372036854775808",
      "true",   "null", "[ID]", "{}"};
  auto with = [](std::string pattern, const std::string& value) {
    const auto at = pattern.find("ID");
    if (at != std::string::npos) pattern.replace(at, 2, value);
    return pattern;
  };
  for (const auto& bad : bad_numbers) {
    SCOPED_TRACE("value pattern " + bad);
    const std::string show_body = R"({"show_id":)" + with(bad, show) + R"(,"seat_id":)" + id + "}";
    const Response r1 = client.post(kBookingsPath, RawBody(show_body, u.token));
    EXPECT_TRUE(IsProblem(r1, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r1, "show_id"));

    const std::string seat_body = R"({"show_id":)" + show + R"(,"seat_id":)" + with(bad, id) + "}";
    const Response r2 = client.post(kBookingsPath, RawBody(seat_body, u.token));
    EXPECT_TRUE(IsProblem(r2, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r2, "seat_id"));

    const std::string list_body =
        R"({"show_id":)" + show + R"(,"seat_ids":[)" + with(bad, id) + "]}";
    const Response r3 = client.post(kBookingsPath, RawBody(list_body, u.token));
    EXPECT_TRUE(IsProblem(r3, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r3, "seat_ids"));
  }
  const Response not_a_list = client.post(
      kBookingsPath, RawBody(R"({"show_id":)" + show + R"(,"seat_ids":)" + id + "}", u.token));
  EXPECT_TRUE(IsProblem(not_a_list, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(not_a_list, "seat_ids"));
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_EQ(SeatStatus(seat.id), "LOCKED");
}

TEST_F(Bookings, AllOrNothingWhenOneSeatIsNotHeld) {
  const User u = RegisterUser("book.partial");
  const auto seats = Pool().Take(3);
  MustLock(client, u, {seats[0].id, seats[1].id});
  const std::string expiry_before =
      db().value("SELECT GROUP_CONCAT(hold_expires_at ORDER BY id) FROM show_seats WHERE id IN (" +
                 IdList({seats[0].id, seats[1].id}) + ")")
          .value_or("");

  const Response r = Book(client, u, seats[0].show_id, Ids(seats));
  EXPECT_TRUE(IsProblem(r, 409, "seat_not_held"));
  EXPECT_TRUE(NamesSeat(r, seats[2]));
  EXPECT_EQ(BookingsOf(u), 0) << "a booking row was left behind";
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats WHERE seat_id IN (" +
                         IdList(Ids(seats)) + ") AND sold = 1"),
            0);
  EXPECT_EQ(LiveHolds(u, {seats[0].id, seats[1].id}), 2) << "the held seats must stay held";
  EXPECT_EQ(db().value("SELECT GROUP_CONCAT(hold_expires_at ORDER BY id) FROM show_seats WHERE "
                       "id IN (" +
                       IdList({seats[0].id, seats[1].id}) + ")")
                .value_or(""),
            expiry_before);
  EXPECT_EQ(SeatStatus(seats[2].id), "AVAILABLE");

  const Response ok = Book(client, u, seats[0].show_id, {seats[0].id, seats[1].id});
  ASSERT_TRUE(IsConfirmed(ok, seats[0].show_id, {seats[0].id, seats[1].id}));
  CancelAtEnd(u, ok.json["booking_id"].integer());
}

TEST_F(Bookings, SeatHeldBySomeoneElseIsNotHeld) {
  const User me = RegisterUser("book.mine");
  const User other = RegisterUser("book.theirs");
  const auto seats = Pool().Take(2);
  MustLock(client, me, {seats[0].id});
  MustLock(client, other, {seats[1].id});
  const Response r = Book(client, me, seats[0].show_id, Ids(seats));
  EXPECT_TRUE(IsProblem(r, 409, "seat_not_held"));
  EXPECT_TRUE(NamesSeat(r, seats[1]));
  EXPECT_EQ(BookingsOf(me), 0);
  EXPECT_EQ(LiveHolds(me, {seats[0].id}), 1);
  EXPECT_EQ(LiveHolds(other, {seats[1].id}), 1);
}

TEST_F(Bookings, SeatOfAnotherShowIs404SeatNotFound) {
  const User u = RegisterUser("book.othershow");
  const Seat here = Pool().TakeOne();
  const Seat there = Pool().TakeOne(here.show_id);
  MustLock(client, u, {here.id, there.id});
  const Response r = Book(client, u, here.show_id, {here.id, there.id});
  EXPECT_TRUE(IsProblem(r, 404, "seat_not_found"));
  const Response single = client.post(
      kBookingsPath,
      JsonBody(Json::object().set("show_id", Json(here.show_id)).set("seat_id", Json(there.id)),
               u.token));
  EXPECT_TRUE(IsProblem(single, 404, "seat_not_found"));
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_EQ(LiveHolds(u, {here.id, there.id}), 2);
}

TEST_F(Bookings, UnknownSeatIs404SeatNotFound) {
  const User u = RegisterUser("book.noseat");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  EXPECT_TRUE(IsProblem(Book(client, u, seat.show_id, {seat.id, std::stoll(kLargestId)}), 404,
                        "seat_not_found"));
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Bookings, UnknownShowIs404ShowNotFound) {
  const User u = RegisterUser("book.noshow");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::int64_t unknown = db().integer("SELECT COALESCE(MAX(id), 0) + 1000 FROM shows");
  EXPECT_TRUE(IsProblem(Book(client, u, unknown, {seat.id}), 404, "show_not_found"));
  EXPECT_TRUE(IsProblem(Book(client, u, std::stoll(kLargestId), {seat.id}), 404, "show_not_found"));
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Bookings, StartedShowIs409ShowStarted) {
  const User u = RegisterUser("book.started");
  const std::int64_t show = StartedShowId();
  const Response grid = client.get(ShowSeatsPath(show));
  ASSERT_TRUE(IsJson(grid, 200));
  EXPECT_TRUE(
      IsProblem(Book(client, u, show, {grid.json.at(0)["id"].integer()}), 409, "show_started"));
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Bookings, ExpiredHoldCannotBeBooked) {
  const User u = RegisterUser("book.lapsed");
  const Seat seat = Pool().TakeOne();
  const Response lock = Lock(client, u, seat.id);
  ASSERT_TRUE(IsJson(lock, 200));
  WaitForDbTimePast(db(), ParseTime(lock.json["expires_at"].string()));
  const Response r = Book(client, u, seat.show_id, {seat.id});
  EXPECT_TRUE(IsProblem(r, 409, "seat_not_held"));
  EXPECT_TRUE(NamesSeat(r, seat));
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_NE(SeatStatus(seat.id), "SOLD");
}

TEST_F(Bookings, BookedSeatCannotBeBookedAgain) {
  const User u = RegisterUser("book.again");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  CancelAtEnd(u, MustBook(client, u, seat.show_id, {seat.id}));
  EXPECT_TRUE(IsProblem(Book(client, u, seat.show_id, {seat.id}), 409, "seat_not_held"));
  EXPECT_EQ(BookingsOf(u), 1);
}

TEST_F(Bookings, BookingNeedsAValidToken) {
  const Seat seat = Pool().TakeOne();
  EXPECT_TRUE(IsProblem(client.post(kBookingsPath, JsonBody(BookingBody(seat.show_id, {seat.id}))),
                        401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.get(kBookingsPath, Auth("garbage")), 401, "unauthorized"));
}

TEST_F(Bookings, NewUserHasNoBookings) {
  const User u = RegisterUser("book.none");
  const Response r = client.get(kBookingsPath, Auth(u.token));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, Json::array()) << r.describe();
}

TEST_F(Bookings, ListIsNewestFirstWithShowDetailsAndCancelledOnes) {
  const User u = RegisterUser("book.list");
  const Seat first_seat = Pool().TakeOne();
  const auto second_seats = Pool().Take(2, first_seat.show_id);
  MustLock(client, u, {first_seat.id});
  const std::int64_t first = MustBook(client, u, first_seat.show_id, {first_seat.id});
  MustLock(client, u, Ids(second_seats));
  const std::int64_t second = MustBook(client, u, second_seats[0].show_id, Ids(second_seats));
  CancelAtEnd(u, second);
  ASSERT_TRUE(IsJson(Cancel(client, u, first), 200));

  const Response r = client.get(kBookingsPath, Auth(u.token));
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_EQ(r.json.size(), 2u) << r.describe();
  EXPECT_EQ(r.json.at(0)["booking_id"].integer(), second) << "newest first";
  EXPECT_EQ(r.json.at(1)["booking_id"].integer(), first);

  struct Expected {
    std::int64_t booking;
    std::string status;
    std::vector<Seat> seats;
  };
  const Expected expected[] = {{second, "CONFIRMED", second_seats},
                               {first, "CANCELLED", {first_seat}}};
  TimePoint newer = TimePoint::max();
  for (std::size_t i = 0; i < 2; ++i) {
    const Json b = r.json.at(i);
    const Expected& e = expected[i];
    SCOPED_TRACE(b.dump());
    EXPECT_TRUE(HasExactKeys(b, kListedKeys));
    EXPECT_EQ(b["status"].string(), e.status);
    EXPECT_EQ(b["show_id"].integer(), e.seats[0].show_id);
    const auto show = db().rows(
        "SELECT m.title, t.name, DATE_FORMAT(s.start_time, '%Y-%m-%d %H:%i:%s') FROM shows s "
        "JOIN movies m ON m.id = s.movie_id JOIN theatres t ON t.id = s.theatre_id WHERE s.id = " +
        Str(e.seats[0].show_id));
    ASSERT_EQ(show.size(), 1u);
    EXPECT_EQ(b["movie_title"].string(), show[0][0].value_or(""));
    EXPECT_EQ(b["theatre"].string(), show[0][1].value_or(""));
    EXPECT_EQ(b["total_cents"].integer(),
              db().integer("SELECT total_cents FROM bookings WHERE id = " + Str(e.booking)));
    EXPECT_EQ(b["currency"].string(), settings().currency);
    EXPECT_EQ(
        b["ticket_code"].string(),
        db().value("SELECT ticket_code FROM bookings WHERE id = " + Str(e.booking)).value_or(""));
    EXPECT_TRUE(b["checked_in_at"].is_null());
    EXPECT_EQ(b["timezone"].string(),
              db().value("SELECT t.timezone FROM shows s JOIN theatres t ON t.id = s.theatre_id "
                         "WHERE s.id = " +
                         Str(e.seats[0].show_id))
                  .value_or(""));
    ASSERT_TRUE(IsRfc3339Utc(b["time"].string()));
    EXPECT_EQ(UnixSeconds(ParseTime(b["time"].string())),
              UnixSeconds(ParseTime(show[0][2].value_or(""))));
    ASSERT_TRUE(IsRfc3339Utc(b["created_at"].string()));
    const TimePoint created = ParseTime(b["created_at"].string());
    EXPECT_LE(created, newer);
    newer = created;
    ASSERT_TRUE(b["seats"].is_array());
    ASSERT_EQ(b["seats"].size(), e.seats.size());
    for (const auto& s : e.seats) {
      bool found = false;
      for (std::size_t k = 0; k < b["seats"].size(); ++k) {
        const Json listed = b["seats"].at(k);
        EXPECT_TRUE(HasExactKeys(listed, {"id", "name"}));
        if (listed["id"].integer() == s.id) {
          found = true;
          EXPECT_EQ(listed["name"].string(), s.name);
        }
      }
      EXPECT_TRUE(found) << "seat " << s.id << " missing";
    }
  }
}

TEST_F(Bookings, CancellingFreesTheSeatsForOthers) {
  const User u = RegisterUser("book.cancel");
  const User next = RegisterUser("book.cancel.next");
  const auto seats = Pool().Take(2);
  MustLock(client, u, Ids(seats));
  const std::int64_t booking = MustBook(client, u, seats[0].show_id, Ids(seats));

  const Response r = Cancel(client, u, booking);
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, Json::object().set("booking_id", Json(booking)).set("status", "CANCELLED"))
      << r.describe();
  const auto row =
      db().rows("SELECT status, cancelled_at IS NOT NULL FROM bookings WHERE id = " + Str(booking));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].value_or(""), "CANCELLED");
  EXPECT_EQ(row[0][1].value_or(""), "1");
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats WHERE booking_id = " + Str(booking) +
                         " AND sold IS NOT NULL"),
            0);
  const Response grid = client.get(ShowSeatsPath(seats[0].show_id));
  for (const auto& s : seats) {
    EXPECT_EQ(FindSeat(grid.json, s.id)["status"].string(), "AVAILABLE") << s.name;
  }
  MustLock(client, next, Ids(seats));
  const Response again = Book(client, next, seats[0].show_id, Ids(seats));
  ASSERT_TRUE(IsConfirmed(again, seats[0].show_id, Ids(seats)));
  CancelAtEnd(next, again.json["booking_id"].integer());
}

TEST_F(Bookings, CancellingTwiceIs409BookingNotCancellable) {
  const User u = RegisterUser("book.twice");
  const Seat seat = Pool().TakeOne();
  MustLock(client, u, {seat.id});
  const std::int64_t booking = MustBook(client, u, seat.show_id, {seat.id});
  ASSERT_TRUE(IsJson(Cancel(client, u, booking), 200));
  EXPECT_TRUE(IsProblem(Cancel(client, u, booking), 409, "booking_not_cancellable"));
  EXPECT_EQ(db().value("SELECT status FROM bookings WHERE id = " + Str(booking)).value_or(""),
            "CANCELLED");
}

TEST_F(Bookings, AnotherUsersBookingIs404BookingNotFound) {
  const User owner = RegisterUser("book.owner");
  const User other = RegisterUser("book.stranger");
  const Seat seat = Pool().TakeOne();
  MustLock(client, owner, {seat.id});
  const std::int64_t booking = MustBook(client, owner, seat.show_id, {seat.id});
  CancelAtEnd(owner, booking);

  EXPECT_TRUE(IsProblem(Cancel(client, other, booking), 404, "booking_not_found"));
  EXPECT_EQ(db().value("SELECT status FROM bookings WHERE id = " + Str(booking)).value_or(""),
            "CONFIRMED");
  const Response theirs = client.get(kBookingsPath, Auth(other.token));
  ASSERT_TRUE(IsJson(theirs, 200));
  EXPECT_EQ(theirs.json, Json::array()) << "another user's booking is listed";
  const std::int64_t unknown = db().integer("SELECT COALESCE(MAX(id), 0) + 100000 FROM bookings");
  EXPECT_TRUE(IsProblem(Cancel(client, owner, unknown), 404, "booking_not_found"));
}

}  // namespace
}  // namespace seats_test
