// The catalogue (GET /movies, /movies/:id/shows, /shows/:id/seats) and health, including
// what the seat grid tells each caller about holds (API.md "Catalogue", "Operations").
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/parallel.hpp"
#include "support/seat_pool.hpp"
#include "support/timeutil.hpp"
#include "support/token.hpp"

namespace seats_test {
namespace {

// This binary's seats: the eighth future demo show.
SeatPool& Pool() {
  static SeatPool pool({{7, "ABCDE"}});
  return pool;
}

const std::set<std::string> kSeatKeys = {"id", "name", "row", "number", "status"};
const std::set<std::string> kOwnHoldKeys = {"id",     "name",       "row",       "number",
                                            "status", "held_by_me", "expires_at"};

class Health : public ApiTest {};
class Movies : public ApiTest {};
class Shows : public ApiTest {};
class Seats : public ApiTest {};
class SeatMapCopies : public ApiTest {};

TEST_F(Health, AnswersOkWhenTheDatabaseAnswers) {
  const Response r = client.get("/api/v1/health");
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, Json::object().set("status", "ok")) << r.describe();
}

TEST_F(Health, LiveAnswersOk) {
  const Response r = client.get("/api/v1/health/live");
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, Json::object().set("status", "ok")) << r.describe();
}

// The admin suites add and change movies and shows while this runs: every movie that
// exists before the list is read must be in it, and only movies never changed since they
// were made (no movie.update in the audit trail) must read exactly as the database has them.
TEST_F(Movies, AreListedByIdWithExactlyTheDocumentedFields) {
  std::set<std::int64_t> before = IdsIn(db(), "movies");
  ASSERT_GE(before.size(), 3u) << "demo data has at least 3 movies";
  const Response r = client.get("/api/v1/movies");
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_TRUE(r.json.is_array());
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < r.json.size(); ++i) {
    const Json m = r.json.at(i);
    SCOPED_TRACE(m.dump());
    EXPECT_TRUE(HasExactKeys(m, kMovieKeys));
    EXPECT_TRUE(m["id"].is_integer());
    EXPECT_GT(m["id"].integer(), previous) << "ordered by id";
    previous = m["id"].integer();
    before.erase(m["id"].integer());
    const auto rows =
        db().rows("SELECT title, description, duration_mins, rating FROM movies m WHERE id = " +
                  Str(m["id"].integer()) +
                  " AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'movie.update' AND "
                  "a.target = CONCAT('movie:', m.id))");
    if (rows.empty()) continue;
    EXPECT_EQ(m["title"].string(), rows[0][0].value_or(""));
    EXPECT_EQ(m["description"].string(), rows[0][1].value_or(""));
    EXPECT_TRUE(m["duration_mins"].is_integer());
    EXPECT_EQ(Str(m["duration_mins"].integer()), rows[0][2].value_or(""));
    EXPECT_EQ(m["rating"].string(), rows[0][3].value_or(""));
  }
  EXPECT_TRUE(before.empty()) << before.size() << " movies missing, e.g. " << *before.begin();
}

// Shows are made and cancelled by the admin suites while this runs: an upcoming show must
// be listed when it exists and is not cancelled both before and after its movie's list is
// read, and must not be listed when it was cancelled before.
TEST_F(Shows, AreListedByTimeWithExactlyTheDocumentedFields) {
  const auto movies = db().rows("SELECT id FROM movies ORDER BY id");
  for (const auto& movie_row : movies) {
    const std::string movie = movie_row[0].value_or("");
    SCOPED_TRACE("movie " + movie);
    auto shows_with = [&](const std::string& status) {
      std::set<std::string> ids;
      for (const auto& row :
           db().rows("SELECT id FROM shows WHERE status = '" + status +
                     "' AND start_time > UTC_TIMESTAMP() AND movie_id = " + movie)) {
        ids.insert(row[0].value_or(""));
      }
      return ids;
    };
    const std::set<std::string> on_sale_before = shows_with("ON_SALE");
    const std::set<std::string> cancelled_before = shows_with("CANCELLED");
    Client c;  // one address per movie: the admin suites make many, past nginx's burst
    const Response r = c.get("/api/v1/movies/" + movie + "/shows");
    const std::set<std::string> on_sale_after = shows_with("ON_SALE");
    ASSERT_TRUE(IsJson(r, 200));
    ASSERT_TRUE(r.json.is_array());
    TimePoint previous{};
    std::set<std::string> listed;
    for (std::size_t i = 0; i < r.json.size(); ++i) {
      const Json s = r.json.at(i);
      SCOPED_TRACE(s.dump());
      EXPECT_TRUE(HasExactKeys(s, kShowKeys));
      EXPECT_EQ(Str(s["movie_id"].integer()), movie);
      ASSERT_TRUE(IsRfc3339Utc(s["time"].string()));
      ASSERT_TRUE(IsRfc3339Utc(s["on_sale_at"].string()));
      const TimePoint t = ParseTime(s["time"].string());
      EXPECT_GE(t, previous) << "shows are not ordered by time";
      previous = t;
      const std::string id = Str(s["id"].integer());
      listed.insert(id);
      EXPECT_EQ(cancelled_before.count(id), 0u) << "a cancelled show is listed";
      const auto db_show = db().rows(
          "SELECT s.movie_id, s.theatre_id, t.name, t.location, "
          "DATE_FORMAT(s.start_time, '%Y-%m-%d %H:%i:%s'), s.price_cents, s.queue_rate, "
          "(SELECT COUNT(*) FROM show_seats WHERE show_id = s.id), t.timezone, s.status, "
          "DATE_FORMAT(s.on_sale_at, '%Y-%m-%d %H:%i:%s.%f'), m.title, "
          "(SELECT COUNT(*) FROM audit_log a WHERE a.action = 'movie.update' AND "
          "a.target = CONCAT('movie:', m.id)) "
          "FROM shows s JOIN theatres t ON t.id = s.theatre_id JOIN movies m ON m.id = s.movie_id "
          "WHERE s.id = " +
          id);
      ASSERT_EQ(db_show.size(), 1u);
      EXPECT_EQ(Str(s["price_cents"].integer()), db_show[0][5].value_or(""));
      EXPECT_EQ(s["currency"].string(), settings().currency);
      EXPECT_EQ(Str(s["queue_rate"].integer()), db_show[0][6].value_or(""));
      EXPECT_EQ(Str(s["capacity"].integer()), db_show[0][7].value_or(""));
      EXPECT_EQ(s["timezone"].string(), db_show[0][8].value_or(""));
      EXPECT_EQ(s["status"].string(), "ON_SALE") << "a cancelled show is never listed";
      ASSERT_TRUE(IsRfc3339Utc(s["on_sale_at"].string()));
      EXPECT_EQ(ParseTime(s["on_sale_at"].string()), ParseTime(db_show[0][10].value_or("")));
      if (db_show[0][12].value_or("") == "0") {  // a renamed movie may be renamed meanwhile
        EXPECT_EQ(s["movie_title"].string(), db_show[0][11].value_or(""));
      }
      EXPECT_EQ(Str(s["theatre_id"].integer()), db_show[0][1].value_or(""));
      EXPECT_EQ(s["theatre"].string(), db_show[0][2].value_or(""));
      EXPECT_EQ(s["location"].string(), db_show[0][3].value_or(""));
      EXPECT_EQ(UnixSeconds(t), UnixSeconds(ParseTime(db_show[0][4].value_or(""))));
    }
    for (const auto& id : on_sale_before) {
      if (on_sale_after.count(id) == 0) continue;
      EXPECT_EQ(listed.count(id), 1u) << "show " << id << " missing from " << r.describe();
    }
  }
}

TEST_F(Shows, MovieWithoutShowsListsAnEmptyArray) {
  const User admin = RegisterAdmin(db(), "catalogue.noshows");
  const std::int64_t movie = MustCreateMovie(client, admin, "catalogue.noshows");
  const Response r = client.get(MovieShowsPath(movie));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, Json::array()) << r.describe();
}

TEST_F(Shows, UnknownMovieIs404MovieNotFound) {
  const std::string unknown = Str(db().integer("SELECT COALESCE(MAX(id), 0) + 1000 FROM movies"));
  EXPECT_TRUE(
      IsProblem(client.get("/api/v1/movies/" + unknown + "/shows"), 404, "movie_not_found"));
  EXPECT_TRUE(
      IsProblem(client.get("/api/v1/movies/9223372036854775807/shows"), 404, "movie_not_found"));
}

TEST_F(Seats, GridHasFiftySeatsOrderedA1ToE10) {
  const std::int64_t show = FutureShows().at(0).id;
  const Response r = client.get(ShowSeatsPath(show));
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_EQ(r.json.size(), 50u) << r.describe();
  const auto ids = db().rows("SELECT id FROM show_seats WHERE show_id = " + Str(show) +
                             " ORDER BY seat_row, seat_number");
  ASSERT_EQ(ids.size(), 50u);
  std::size_t i = 0;
  for (const std::string row : {"A", "B", "C", "D", "E"}) {
    for (int number = 1; number <= 10; ++number, ++i) {
      const Json s = r.json.at(i);
      SCOPED_TRACE(s.dump());
      EXPECT_TRUE(HasExactKeys(s, kSeatKeys)) << "anonymous grid";
      EXPECT_EQ(s["row"].string(), row);
      EXPECT_TRUE(s["number"].is_integer());
      EXPECT_EQ(s["number"].integer(), number);
      EXPECT_EQ(s["name"].string(), row + std::to_string(number));
      EXPECT_EQ(Str(s["id"].integer()), ids[i][0].value_or(""));
      const std::string status = s["status"].string();
      EXPECT_TRUE(status == "AVAILABLE" || status == "LOCKED" || status == "SOLD") << status;
    }
  }
}

TEST_F(Seats, UnknownShowIs404ShowNotFound) {
  const std::string unknown = Str(db().integer("SELECT COALESCE(MAX(id), 0) + 1000 FROM shows"));
  EXPECT_TRUE(IsProblem(client.get("/api/v1/shows/" + unknown + "/seats"), 404, "show_not_found"));
  EXPECT_TRUE(
      IsProblem(client.get("/api/v1/shows/9223372036854775807/seats"), 404, "show_not_found"));
}

TEST_F(Seats, OwnHoldCarriesHeldByMeAndItsExpiry) {
  const User me = RegisterUser("grid.me");
  const Seat seat = Pool().TakeOne();
  const Response lock = Lock(client, me, seat.id);
  ASSERT_TRUE(IsJson(lock, 200));

  const Response r = client.get(ShowSeatsPath(seat.show_id), Auth(me.token));
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_EQ(r.json.size(), 50u);
  for (std::size_t i = 0; i < r.json.size(); ++i) {
    const Json s = r.json.at(i);
    if (s["id"].integer() != seat.id) {
      EXPECT_TRUE(HasExactKeys(s, kSeatKeys)) << "a seat I do not hold";
      continue;
    }
    EXPECT_TRUE(HasExactKeys(s, kOwnHoldKeys));
    EXPECT_EQ(s["status"].string(), "LOCKED");
    EXPECT_TRUE(s["held_by_me"].is_true()) << s.dump();
    ASSERT_TRUE(IsRfc3339Utc(s["expires_at"].string())) << s.dump();
    EXPECT_EQ(ParseTime(s["expires_at"].string()), ParseTime(lock.json["expires_at"].string()))
        << "grid " << s.dump() << " vs lock " << lock.body;
  }
}

TEST_F(Seats, OthersSeeAHeldSeatAsLockedAndNothingMore) {
  const User holder = RegisterUser("grid.holder");
  const User other = RegisterUser("grid.other");
  const Seat seat = Pool().TakeOne();
  ASSERT_TRUE(IsJson(Lock(client, holder, seat.id), 200));

  struct Viewer {
    std::string label;
    Request request;
  };
  std::vector<Viewer> viewers = {
      {"another user", Auth(other.token)},
      {"anonymous", Request()},
      {"garbage token", Auth("garbage")},
      {"alg none token claiming the holder",
       Auth(ForgeToken(Claims(holder.id, 0, 600), Alg::kNone, ""))},
      {"token with another secret claiming the holder",
       Auth(ForgeToken(Claims(holder.id, 0, 600), Alg::kHS256,
                       "another secret of 32 bytes or more"))},
  };
  if (!settings().jwt_secret.empty()) {
    viewers.push_back(
        {"expired token of the holder",
         Auth(ForgeToken(Claims(holder.id, -7200, -5), Alg::kHS256, settings().jwt_secret))});
  }
  for (const auto& v : viewers) {
    SCOPED_TRACE(v.label);
    const Response r = client.get(ShowSeatsPath(seat.show_id), v.request);
    ASSERT_TRUE(IsJson(r, 200)) << "a bad token reads the grid as anonymous";
    const Json s = FindSeat(r.json, seat.id);
    EXPECT_EQ(s["status"].string(), "LOCKED") << s.dump();
    EXPECT_TRUE(HasExactKeys(s, kSeatKeys));
  }
}

TEST_F(Seats, ExpiredHoldReadsAvailable) {
  const User me = RegisterUser("grid.expired");
  const Seat seat = Pool().TakeOne();
  const Response lock = Lock(client, me, seat.id);
  ASSERT_TRUE(IsJson(lock, 200));
  WaitForDbTimePast(db(), ParseTime(lock.json["expires_at"].string()));

  for (const auto& req : {Request(), Auth(me.token)}) {
    const Response r = client.get(ShowSeatsPath(seat.show_id), req);
    ASSERT_TRUE(IsJson(r, 200));
    const Json s = FindSeat(r.json, seat.id);
    EXPECT_EQ(s["status"].string(), "AVAILABLE") << s.dump();
    EXPECT_TRUE(HasExactKeys(s, kSeatKeys)) << "a lapsed hold is nobody's";
  }
}

TEST_F(Seats, SoldSeatReadsSoldForEveryone) {
  const User buyer = RegisterUser("grid.buyer");
  const Seat seat = Pool().TakeOne();
  MustLock(client, buyer, {seat.id});
  CancelAtEnd(buyer, MustBook(client, buyer, seat.show_id, {seat.id}));
  for (const auto& req : {Request(), Auth(buyer.token)}) {
    const Response r = client.get(ShowSeatsPath(seat.show_id), req);
    ASSERT_TRUE(IsJson(r, 200));
    const Json s = FindSeat(r.json, seat.id);
    EXPECT_EQ(s["status"].string(), "SOLD") << s.dump();
    EXPECT_TRUE(HasExactKeys(s, kSeatKeys));
  }
}

// Each worker answers seat maps from a copy it keeps (app/handlers/seat_map_view.hpp).
// These tests read with many requests at once so that every worker of the pool answers
// some of them, and every worker has a fresh copy when the seat changes: a copy that
// outlived the change would show in the next round of reads. SEAT_MAP_CACHE_MS is 1000 on
// the test stack (scripts/test); with 0 these tests still pass, having nothing to test.

// Of one round of simultaneous reads of the show, how many do not show `seat` as `status`.
int ReadsNotShowing(std::int64_t show_id, std::int64_t seat_id, const std::string& status) {
  const auto answers =
      RunTogether(OnEveryWorker(), [&](int, Client& c) { return c.get(ShowSeatsPath(show_id)); });
  int wrong = 0;
  for (const auto& r : answers) {
    if (r.status != 200 || FindSeat(r.json, seat_id)["status"].string() != status) ++wrong;
  }
  return wrong;
}

TEST_F(SeatMapCopies, EveryChangeThroughTheApiShowsOnEveryWorkerAtOnce) {
  const User u = RegisterUser("grid.copies");
  const std::vector<Seat> seats = Pool().Take(2);
  const std::int64_t show = seats[0].show_id;
  const std::int64_t a = seats[0].id;
  const std::int64_t b = seats[1].id;

  ASSERT_EQ(ReadsNotShowing(show, a, "AVAILABLE"), 0);
  ASSERT_TRUE(IsJson(Lock(client, u, a), 200));
  EXPECT_EQ(ReadsNotShowing(show, a, "LOCKED"), 0) << "after PATCH lock";
  ASSERT_TRUE(IsJson(Release(client, u, a), 200));
  EXPECT_EQ(ReadsNotShowing(show, a, "AVAILABLE"), 0) << "after DELETE lock";
  ASSERT_TRUE(IsJson(client.post(SeatLockPath(a), Auth(u.token)), 200));
  EXPECT_EQ(ReadsNotShowing(show, a, "LOCKED"), 0) << "after POST lock";
  ASSERT_TRUE(IsJson(
      client.patch(SeatLockPath(a), JsonBody(Json::object().set("status", "AVAILABLE"), u.token)),
      200));
  EXPECT_EQ(ReadsNotShowing(show, a, "AVAILABLE"), 0) << "after PATCH status AVAILABLE";

  MustLock(client, u, {b});
  EXPECT_EQ(ReadsNotShowing(show, b, "LOCKED"), 0) << "after the lock before booking";
  const std::int64_t booking = MustBook(client, u, show, {b});
  EXPECT_EQ(ReadsNotShowing(show, b, "SOLD"), 0) << "after the booking";
  ASSERT_TRUE(IsJson(Cancel(client, u, booking), 200));
  EXPECT_EQ(ReadsNotShowing(show, b, "AVAILABLE"), 0) << "after the cancellation";
}

TEST_F(SeatMapCopies, LapsedHoldReadsAvailableOnEveryWorkerAtOnce) {
  // Copies are made in a window that ends shortly before the deadline; they are read again
  // just after it (WaitForDbTimePast: 0.3-0.4 s past), well within SEAT_MAP_CACHE_MS, so
  // only the deadline itself can have retired them.
  constexpr auto kWarmFrom = std::chrono::milliseconds(450);   // before the deadline
  constexpr auto kWarmUntil = std::chrono::milliseconds(250);  // before the deadline
  const User u = RegisterUser("grid.lapse");
  const Seat seat = Pool().TakeOne();
  const Response lock = Lock(client, u, seat.id);
  ASSERT_TRUE(IsJson(lock, 200));
  const TimePoint expires = ParseTime(lock.json["expires_at"].string());
  while (db().now() < expires - kWarmFrom) std::this_thread::sleep_for(kWarmFrom / 20);
  int warm_rounds = 0;
  while (db().now() < expires - kWarmUntil) {
    ReadsNotShowing(seat.show_id, seat.id, "LOCKED");
    ++warm_rounds;
  }
  ASSERT_GT(warm_rounds, 0) << "the hold was nearly over before the copies could be made";
  WaitForDbTimePast(db(), expires);
  EXPECT_EQ(ReadsNotShowing(seat.show_id, seat.id, "AVAILABLE"), 0);
}

TEST_F(SeatMapCopies, ChangeMadeAroundTheApiShowsWithinSeatMapCacheMs) {
  constexpr auto kSlack = std::chrono::milliseconds(300);
  const User u = RegisterUser("grid.around");
  const Seat seat = Pool().TakeOne();
  ASSERT_EQ(ReadsNotShowing(seat.show_id, seat.id, "AVAILABLE"), 0);
  // A hold written straight into the database, as another app host on it would.
  db().exec("UPDATE show_seats SET status = 'LOCKED', user_id = " + Str(u.id) +
            ", locked_at = NOW(6), hold_expires_at = NOW(6) + INTERVAL 60 SECOND WHERE id = " +
            Str(seat.id) + " AND status = 'AVAILABLE'");
  const auto written = std::chrono::steady_clock::now();
  const auto bound = std::chrono::milliseconds(settings().seat_map_cache_ms);
  // When the first round began that every worker answered with the hold in it.
  auto seen = written;
  while (ReadsNotShowing(seat.show_id, seat.id, "LOCKED") != 0 &&
         seen - written < bound + std::chrono::seconds(3)) {
    seen = std::chrono::steady_clock::now();
  }
  EXPECT_LE(seen - written, bound + kSlack) << "SEAT_MAP_CACHE_MS=" << settings().seat_map_cache_ms;
  EXPECT_TRUE(IsJson(Release(client, u, seat.id), 200)) << "the hold is the test user's";
}

}  // namespace
}  // namespace seats_test
