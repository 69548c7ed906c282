// The operator's shows (API.md Part 2, "Operators"; /tmp/admin-contract.md): a show made
// from its theatre's layout, its time rules and overlaps, on-sale times, prices and booking
// totals, the report, and cancelling a show, with what every worker remembers about it.
// Each test makes its own movie, theatre and shows (support/admin.hpp), so nothing here
// touches the demo shows the other suites share.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/parallel.hpp"
#include "support/timeutil.hpp"

namespace seats_test {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

const std::set<std::string> kSeatKeys = {"id", "name", "row", "number", "status"};
const std::set<std::string> kBookingCreatedKeys = {"booking_id", "status",     "show_id",
                                                   "seat_ids",   "message",    "total_cents",
                                                   "currency",   "ticket_code"};

const std::string& Currency() { return settings().currency; }

TimePoint Minutes(TimePoint t) { return std::chrono::floor<std::chrono::minutes>(t); }

class AdminShows : public ApiTest {
 protected:
  void SetUp() override { admin = RegisterAdmin(db(), "admin.shows"); }

  OwnShow NewShow(const ShowSpec& spec = {}) {
    return MustCreateOwnShow(client, db(), admin, "admin.shows", spec);
  }
  Response CreateShow(const Json& body) {
    return client.post(kAdminShows, JsonBody(body, admin.token));
  }
  Response CancelShow(std::int64_t show) {
    return client.del(AdminShowPath(show), Auth(admin.token));
  }
  Response Report(std::int64_t show) { return client.get(ReportPath(show), Auth(admin.token)); }
  std::int64_t ShowsIn(std::int64_t theatre) {
    return db().integer("SELECT COUNT(*) FROM shows WHERE theatre_id = " + Str(theatre));
  }
  std::int64_t LiveHolds(std::int64_t show) {
    return db().integer(
        "SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND hold_expires_at > "
        "UTC_TIMESTAMP(6) AND show_id = " +
        Str(show));
  }
  // The database's start time of a show, in seconds since the epoch.
  std::int64_t StartOf(std::int64_t show) {
    return db().integer("SELECT UNIX_TIMESTAMP(start_time) FROM shows WHERE id = " + Str(show));
  }

  User admin;
};

// ---- making shows -----------------------------------------------------------------------

TEST_F(AdminShows, NewShowIsAnsweredAsListedAndItsSeatsFollowTheLayout) {
  const std::vector<Row> rows = {{"C", 3}, {"AA", 12}, {"B", 1}};
  const std::string theatre_name = UniqueName("admin.shows.layout");
  const Json theatre = MustCreate(
      client, admin, kAdminTheatres,
      TheatreBody(theatre_name, rows).set("timezone", "Europe/Berlin").set("location", "Mitte"));
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.layout", 100);
  const TimePoint time = Minutes(db().now() + 72h);
  const TimePoint asked_at = db().now();
  const Response r = CreateShow(
      ShowBody(movie, theatre["id"].integer(), time).set("price_cents", 1250).set("queue_rate", 3));
  ASSERT_TRUE(IsJson(r, 201));
  const Json& s = r.json;
  EXPECT_TRUE(HasExactKeys(s, kShowKeys));
  const std::int64_t id = s["id"].integer();
  EXPECT_EQ(s["movie_id"], Json(movie));
  EXPECT_EQ(s["theatre_id"], theatre["id"]);
  EXPECT_EQ(s["theatre"], Json(theatre_name));
  EXPECT_EQ(s["location"], Json("Mitte"));
  ASSERT_TRUE(IsRfc3339Utc(s["time"].string())) << s.dump();
  EXPECT_EQ(ParseTime(s["time"].string()), time);
  EXPECT_EQ(s["price_cents"], Json(1250));
  EXPECT_EQ(s["currency"], Json(Currency()));
  EXPECT_EQ(s["queue_rate"], Json(3));
  EXPECT_EQ(s["capacity"], Json(16));
  EXPECT_EQ(s["timezone"], Json("Europe/Berlin"));
  EXPECT_EQ(s["status"], Json("ON_SALE"));
  EXPECT_EQ(s["movie_title"],
            Json(db().value("SELECT title FROM movies WHERE id = " + Str(movie)).value_or("")));
  ASSERT_TRUE(IsRfc3339Utc(s["on_sale_at"].string())) << s.dump();
  EXPECT_LT(std::abs(SecondsBetween(asked_at, ParseTime(s["on_sale_at"].string()))), 60.0)
      << "on_sale_at defaults to now";
  EXPECT_EQ(StartOf(id), UnixSeconds(time));

  const Response listed = client.get(MovieShowsPath(movie));
  ASSERT_TRUE(IsJson(listed, 200));
  ASSERT_EQ(listed.json.size(), 1u) << listed.describe();
  EXPECT_EQ(listed.json.at(0), s) << "GET /movies/:id/shows lists it as POST answered it";

  // The grid: the theatre's rows in the order given, then by number.
  const Response grid = client.get(ShowSeatsPath(id));
  ASSERT_TRUE(IsJson(grid, 200));
  ASSERT_EQ(grid.json.size(), 16u) << grid.describe();
  const auto ids = db().rows(
      "SELECT id, seat_row, seat_number, status FROM show_seats WHERE "
      "show_id = " +
      Str(id) + " ORDER BY row_position, seat_number");
  ASSERT_EQ(ids.size(), 16u);
  std::size_t i = 0;
  for (const auto& row : rows) {
    for (int number = 1; number <= row.seats; ++number, ++i) {
      const Json seat = grid.json.at(i);
      SCOPED_TRACE(seat.dump());
      EXPECT_TRUE(HasExactKeys(seat, kSeatKeys));
      EXPECT_EQ(seat["row"], Json(row.name));
      EXPECT_EQ(seat["number"], Json(number));
      EXPECT_EQ(seat["name"], Json(row.name + std::to_string(number)));
      EXPECT_EQ(seat["status"], Json("AVAILABLE"));
      EXPECT_EQ(Str(seat["id"].integer()), ids[i][0].value_or(""));
      EXPECT_EQ(ids[i][1].value_or(""), row.name);
      EXPECT_EQ(ids[i][2].value_or(""), std::to_string(number));
    }
  }
  EXPECT_EQ(AuditEntries(db(), "show.create", "show:" + Str(id), admin), 1);
}

TEST_F(AdminShows, LargestLayoutMakesAllItsSeatsInTheOrderGiven) {
  std::vector<Row> rows;
  for (char c = 'Z'; c >= 'A'; --c) rows.push_back({std::string(1, c), 50});
  const OwnShow show = NewShow({.rows = rows});
  ASSERT_EQ(show.seat_names.size(), 1300u);
  EXPECT_EQ(show.show["capacity"], Json(1300));
  EXPECT_EQ(show.seat_names.front(), "Z1");
  EXPECT_EQ(show.seat_names[49], "Z50");
  EXPECT_EQ(show.seat_names[50], "Y1");
  EXPECT_EQ(show.seat_names.back(), "A50");
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE show_id = " + Str(show.id)), 1300);
}

TEST_F(AdminShows, TimesWithAnOffsetAreTheSameInstantAnsweredInUtc) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.offset", 60);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.offset", {{"A", 2}});
  const TimePoint base = Minutes(db().now() + 24h);
  const std::pair<TimePoint, std::string> forms[] = {
      {base, FormatTimeAtOffset(base, 330)},
      {base + 2h, FormatTimeAtOffset(base + 2h, -180)},
      {base + 4h, FormatTimeAtOffset(base + 4h, 345)},
      {base + 6h, FormatTime(base + 6h).insert(19, ".000")},
      {base + 8h, FormatTimeAtOffset(base + 8h, 60).insert(19, ".0")},
      {base + 10h, FormatTimeAtOffset(base + 10h, 0).replace(19, 1, "+00:00")},
  };
  for (const auto& [instant, text] : forms) {
    SCOPED_TRACE(text);
    const TimePoint on_sale = instant - 1h;
    const Response r =
        CreateShow(ShowBody(movie, theatre, instant)
                       .set("time", text)
                       .set("on_sale_at", FormatTimeAtOffset(on_sale, -(9 * 60 + 30))));
    ASSERT_TRUE(IsJson(r, 201));
    ASSERT_TRUE(IsRfc3339Utc(r.json["time"].string())) << r.describe();
    EXPECT_EQ(ParseTime(r.json["time"].string()), instant);
    ASSERT_TRUE(IsRfc3339Utc(r.json["on_sale_at"].string())) << r.describe();
    EXPECT_EQ(ParseTime(r.json["on_sale_at"].string()), on_sale);
    EXPECT_EQ(StartOf(r.json["id"].integer()), UnixSeconds(instant));
  }
}

TEST_F(AdminShows, TimeMustBeRfc3339WithSecondsAndInTheFuture) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.badtime", 60);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.badtime", {{"A", 2}});
  // 2099: far in the future, so that only the form can be wrong (and not a leap year).
  const std::string bad[] = {
      R"("2099-01-01T10:00Z")",
      R"("2099-01-01T10:00:00")",
      R"("2099-01-01")",
      R"("10:00:00Z")",
      R"("2099-01-01T10:00:00.5Z")",
      R"("2099-01-01T10:00:00.000001Z")",
      R"("2099-13-01T10:00:00Z")",
      R"("2099-02-29T10:00:00Z")",
      R"("2099-04-31T10:00:00Z")",
      R"("2099-01-01T24:00:00Z")",
      R"("2099-01-01T10:60:00Z")",
      R"("2099-01-01T10:00:61Z")",
      R"("2099-01-01T10:00:00+24:00")",
      R"("2099-01-01T10:00:00+05:3")",
      R"("2099-01-01T10:00:00+0530")",
      R"("2099-01-01T10:00:00 +05:30")",
      R"(" 2099-01-01T10:00:00Z")",
      R"("2099-01-01T10:00:00Z ")",
      R"("2099-1-1T10:00:00Z")",
      R"("20990101T100000Z")",
      R"("tomorrow")",
      R"("")",
      R"("4102444800")",
      R"("2099-01-01T10:00:00\u0000Z")",
      "4102444800",
      "null",
      R"(["2099-01-01T10:00:00Z"])",
  };
  for (const auto& time : bad) {
    SCOPED_TRACE("time " + time);
    const std::string body = R"({"movie_id":)" + Str(movie) + R"(,"theatre_id":)" + Str(theatre) +
                             R"(,"time":)" + time + "}";
    EXPECT_TRUE(IsRefusedField(client.post(kAdminShows, RawBody(body, admin.token)), "time"));
  }
  const std::string missing =
      R"({"movie_id":)" + Str(movie) + R"(,"theatre_id":)" + Str(theatre) + "}";
  EXPECT_TRUE(IsRefusedField(client.post(kAdminShows, RawBody(missing, admin.token)), "time"));
  EXPECT_TRUE(IsRefusedField(CreateShow(ShowBody(movie, theatre, db().now() - 1min)), "time"))
      << "a show in the past";
  EXPECT_EQ(ShowsIn(theatre), 0);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 2) << "the movie and the theatre only";
}

TEST_F(AdminShows, OnSaleAtMayNotBeAfterTheShow) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.onsale", 60);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.onsale", {{"A", 2}});
  const TimePoint time = Minutes(db().now() + 48h);
  for (const std::string& on_sale :
       {FormatTime(time + 1s), FormatTime(time + 24h), "2099-01-01T10:00:00"s, "soon"s, ""s}) {
    SCOPED_TRACE("on_sale_at " + on_sale);
    EXPECT_TRUE(IsRefusedField(
        CreateShow(ShowBody(movie, theatre, time).set("on_sale_at", on_sale)), "on_sale_at"));
  }
  EXPECT_TRUE(IsRefusedField(CreateShow(ShowBody(movie, theatre, time).set("on_sale_at", 5)),
                             "on_sale_at"));
  EXPECT_EQ(ShowsIn(theatre), 0);
  const Response at_start =
      CreateShow(ShowBody(movie, theatre, time).set("on_sale_at", FormatTime(time)));
  ASSERT_TRUE(IsJson(at_start, 201)) << "on sale from the show's own start is allowed";
  EXPECT_EQ(ParseTime(at_start.json["on_sale_at"].string()), time);
}

TEST_F(AdminShows, PriceAndQueueRateMustBeIntegersInRange) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.price", 60);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.price", {{"A", 2}});
  TimePoint slot = Minutes(db().now() + 24h);
  auto next_slot = [&] { return slot += 2h; };
  struct Case {
    std::string field;
    std::string raw;
  };
  const Case refused[] = {
      {"price_cents", "-1"},       {"price_cents", "10000001"},
      {"price_cents", "1.5"},      {"price_cents", "100.0"},
      {"price_cents", R"("100")"}, {"price_cents", "null"},
      {"price_cents", "1e3"},      {"price_cents", "9223372036854775808"},
      {"queue_rate", "-1"},        {"queue_rate", "10001"},
      {"queue_rate", "2.5"},       {"queue_rate", R"("1")"},
      {"queue_rate", "true"},      {"queue_rate", "null"},
  };
  for (const auto& c : refused) {
    SCOPED_TRACE(c.field + " " + c.raw);
    const std::string body = R"({"movie_id":)" + Str(movie) + R"(,"theatre_id":)" + Str(theatre) +
                             R"(,"time":")" + FormatTime(next_slot()) + R"(",")" + c.field +
                             R"(":)" + c.raw + "}";
    EXPECT_TRUE(IsRefusedField(client.post(kAdminShows, RawBody(body, admin.token)), c.field));
  }
  EXPECT_EQ(ShowsIn(theatre), 0);
  const std::pair<std::string, std::int64_t> accepted[] = {
      {"price_cents", 0}, {"price_cents", 10000000}, {"queue_rate", 0}, {"queue_rate", 10000}};
  for (const auto& [field, value] : accepted) {
    SCOPED_TRACE(field + " " + Str(value));
    const Response r = CreateShow(ShowBody(movie, theatre, next_slot()).set(field, Json(value)));
    ASSERT_TRUE(IsJson(r, 201));
    EXPECT_EQ(r.json[field], Json(value));
  }
  const Response defaults = CreateShow(ShowBody(movie, theatre, next_slot()));
  ASSERT_TRUE(IsJson(defaults, 201));
  EXPECT_EQ(defaults.json["price_cents"], Json(0));
  EXPECT_EQ(defaults.json["queue_rate"], Json(0));
}

TEST_F(AdminShows, IdsAreCheckedForShapeThenForExistence) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.ids", 60);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.ids", {{"A", 2}});
  const std::string time = Json(FormatTime(Minutes(db().now() + 24h))).dump();
  for (const std::string bad : {"", "0", "-1", "1.5", R"("1")", "null", "9223372036854775808"}) {
    for (const std::string field : {"movie_id", "theatre_id"}) {
      SCOPED_TRACE(field + " " + bad);
      std::string body = R"({"time":)" + time;
      if (field != "movie_id" || !bad.empty()) {
        body += R"(,"movie_id":)" + (field == "movie_id" ? bad : Str(movie));
      }
      if (field != "theatre_id" || !bad.empty()) {
        body += R"(,"theatre_id":)" + (field == "theatre_id" ? bad : Str(theatre));
      }
      body += "}";
      EXPECT_TRUE(IsRefusedField(client.post(kAdminShows, RawBody(body, admin.token)), field));
    }
  }
  const std::int64_t no_movie = db().integer("SELECT MAX(id) + 1000 FROM movies");
  const std::int64_t no_theatre = db().integer("SELECT MAX(id) + 1000 FROM theatres");
  const TimePoint t = Minutes(db().now() + 24h);
  EXPECT_TRUE(IsProblem(CreateShow(ShowBody(no_movie, theatre, t)), 404, "movie_not_found"));
  EXPECT_TRUE(IsProblem(CreateShow(ShowBody(movie, no_theatre, t)), 404, "theatre_not_found"));
  EXPECT_TRUE(
      IsRefusedField(CreateShow(ShowBody(no_movie, theatre, t).set("time", "soon")), "time"))
      << "the body's shape is checked before existence";
  EXPECT_EQ(ShowsIn(theatre), 0);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 2) << "the movie and the theatre only";
}

// A show takes [time, time + duration_mins) of its theatre; ends may touch.
TEST_F(AdminShows, OverlappingShowInTheSameTheatreIs409AndTouchingEndsAreFine) {
  const std::int64_t hundred = MustCreateMovie(client, admin, "admin.shows.overlap", 100);
  const std::int64_t thirty = MustCreateMovie(client, admin, "admin.shows.overlap", 30);
  const std::int64_t long_one = MustCreateMovie(client, admin, "admin.shows.overlap", 1000);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.overlap", {{"A", 2}});
  const std::int64_t elsewhere =
      MustCreateTheatre(client, admin, "admin.shows.overlap", {{"A", 2}});
  const TimePoint t0 = Minutes(db().now() + 72h);
  ASSERT_TRUE(IsJson(CreateShow(ShowBody(hundred, theatre, t0)), 201));

  const std::pair<std::string, Json> overlapping[] = {
      {"starts inside", ShowBody(thirty, theatre, t0 + 99min)},
      {"starts one second before the end", ShowBody(thirty, theatre, t0 + 100min - 1s)},
      {"ends inside", ShowBody(thirty, theatre, t0 - 29min)},
      {"ends one second after the start", ShowBody(thirty, theatre, t0 - 30min + 1s)},
      {"the same time", ShowBody(thirty, theatre, t0)},
      {"inside", ShowBody(thirty, theatre, t0 + 10min)},
      {"around", ShowBody(long_one, theatre, t0 - 200min)},
  };
  for (const auto& [label, body] : overlapping) {
    SCOPED_TRACE(label);
    EXPECT_TRUE(IsProblem(CreateShow(body), 409, "show_overlaps"));
  }
  EXPECT_EQ(ShowsIn(theatre), 1);

  const std::pair<std::string, Json> fitting[] = {
      {"starts at the end", ShowBody(thirty, theatre, t0 + 100min)},
      {"ends at the start", ShowBody(thirty, theatre, t0 - 30min)},
      {"starts at the end of that one", ShowBody(hundred, theatre, t0 + 130min)},
      {"the same time in another theatre", ShowBody(hundred, elsewhere, t0)},
  };
  for (const auto& [label, body] : fitting) {
    SCOPED_TRACE(label);
    EXPECT_TRUE(IsJson(CreateShow(body), 201));
  }
  EXPECT_EQ(ShowsIn(theatre), 4);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 3 + 2 + 5) << "3 movies, 2 theatres, 5 shows";
}

TEST_F(AdminShows, CancelledShowsDoNotCountAsOverlapping) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.freed", 100);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.freed", {{"A", 2}});
  const TimePoint t0 = Minutes(db().now() + 72h);
  const Response first = CreateShow(ShowBody(movie, theatre, t0));
  ASSERT_TRUE(IsJson(first, 201));
  ASSERT_TRUE(IsProblem(CreateShow(ShowBody(movie, theatre, t0 + 30min)), 409, "show_overlaps"));
  ASSERT_TRUE(IsJson(CancelShow(first.json["id"].integer()), 200));
  EXPECT_TRUE(IsJson(CreateShow(ShowBody(movie, theatre, t0 + 30min)), 201));
  EXPECT_TRUE(IsProblem(CreateShow(ShowBody(movie, theatre, t0)), 409, "show_overlaps"))
      << "the new show counts";
}

// ---- listings ---------------------------------------------------------------------------

TEST_F(AdminShows, AdminListHoldsEveryShowByTimeWithItsMovieTitleAndStatus) {
  const OwnShow kept = NewShow();
  const OwnShow cancelled = NewShow({.starts_in = 49h});
  ASSERT_TRUE(IsJson(CancelShow(cancelled.id), 200));
  const std::string title =
      db().value("SELECT title FROM movies WHERE id = " + Str(kept.movie_id)).value_or("");
  std::set<std::int64_t> before = IdsIn(db(), "shows");
  const Response r = client.get(kAdminShows, Auth(admin.token));
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_TRUE(r.json.is_array());
  std::pair<TimePoint, std::int64_t> previous{};
  std::map<std::int64_t, Json> mine;
  for (std::size_t i = 0; i < r.json.size(); ++i) {
    const Json s = r.json.at(i);
    ASSERT_TRUE(HasExactKeys(s, kShowKeys));
    const std::pair<TimePoint, std::int64_t> key{ParseTime(s["time"].string()), s["id"].integer()};
    EXPECT_LT(previous, key) << "ordered by time, then id, at " << s.dump();
    previous = key;
    const std::string status = s["status"].string();
    EXPECT_TRUE(status == "ON_SALE" || status == "CANCELLED") << s.dump();
    if (s["id"].integer() == kept.id || s["id"].integer() == cancelled.id)
      mine[s["id"].integer()] = s;
  }
  ASSERT_EQ(mine.size(), 2u) << "both shows, the cancelled one too";
  EXPECT_EQ(mine[kept.id], kept.show);
  EXPECT_EQ(mine[kept.id]["movie_title"], Json(title));
  EXPECT_EQ(mine[cancelled.id]["status"], Json("CANCELLED"));
  EXPECT_EQ(mine[cancelled.id]["movie_title"],
            Json(db().value("SELECT title FROM movies WHERE id = " + Str(cancelled.movie_id))
                     .value_or("")));
  for (std::size_t i = 0; i < r.json.size(); ++i) before.erase(r.json.at(i)["id"].integer());
  EXPECT_TRUE(before.empty()) << before.size() << " shows missing, e.g. " << *before.begin();
}

TEST_F(AdminShows, CustomerListingLeavesCancelledShowsOut) {
  const std::int64_t movie = MustCreateMovie(client, admin, "admin.shows.listing", 60);
  const std::int64_t theatre = MustCreateTheatre(client, admin, "admin.shows.listing", {{"A", 2}});
  const TimePoint t0 = Minutes(db().now() + 24h);
  const Response a = CreateShow(ShowBody(movie, theatre, t0 + 2h));
  const Response b = CreateShow(ShowBody(movie, theatre, t0));
  ASSERT_TRUE(IsJson(a, 201));
  ASSERT_TRUE(IsJson(b, 201));
  const Response both = client.get(MovieShowsPath(movie));
  ASSERT_TRUE(IsJson(both, 200));
  EXPECT_EQ(both.json, Json::array().push(b.json).push(a.json)) << "by time";
  ASSERT_TRUE(IsJson(CancelShow(b.json["id"].integer()), 200));
  const Response one = client.get(MovieShowsPath(movie));
  ASSERT_TRUE(IsJson(one, 200));
  EXPECT_EQ(one.json, Json::array().push(a.json));
}

// ---- on sale ----------------------------------------------------------------------------

TEST_F(AdminShows, LockBeforeOnSaleAtIs409NotOnSaleThenSucceedsOnceItPasses) {
  const User u = RegisterUser("admin.shows.early");
  const TimePoint on_sale = std::chrono::ceil<std::chrono::seconds>(db().now() + 3s);
  const OwnShow show = NewShow({.extra = Json::object().set("on_sale_at", FormatTime(on_sale))});
  EXPECT_EQ(ParseTime(show.show["on_sale_at"].string()), on_sale);
  const std::int64_t seat = show.seat_ids.at(0);
  const std::string when = FormatTime(on_sale).substr(0, 19);  // detail may add a fraction
  for (const std::string method : {"PATCH", "POST"}) {
    SCOPED_TRACE(method);
    const Response r = client.send(method, SeatLockPath(seat), Auth(u.token));
    ASSERT_TRUE(IsProblem(r, 409, "not_on_sale")) << "at " << FormatTime(db().now());
    EXPECT_TRUE(DetailMentions(r, when));
  }
  EXPECT_EQ(db().value("SELECT status FROM show_seats WHERE id = " + Str(seat)).value_or(""),
            "AVAILABLE");
  WaitForDbTimePast(db(), on_sale);
  EXPECT_TRUE(IsJson(Lock(client, u, seat), 200));
}

TEST_F(AdminShows, OnSaleAtInThePastMeansOnSaleNow) {
  const User u = RegisterUser("admin.shows.past");
  const OwnShow show =
      NewShow({.extra = Json::object().set("on_sale_at", FormatTime(db().now() - 24h))});
  EXPECT_TRUE(IsJson(Lock(client, u, show.seat_ids.at(0)), 200));
}

TEST_F(AdminShows, CancelledComesBeforeNotOnSale) {
  const User u = RegisterUser("admin.shows.order");
  const OwnShow show =
      NewShow({.extra = Json::object().set("on_sale_at", FormatTime(db().now() + 24h))});
  ASSERT_TRUE(IsProblem(Lock(client, u, show.seat_ids.at(0)), 409, "not_on_sale"));
  ASSERT_TRUE(IsJson(CancelShow(show.id), 200));
  EXPECT_TRUE(IsProblem(Lock(client, u, show.seat_ids.at(0)), 409, "show_cancelled"));
}

// ---- prices -----------------------------------------------------------------------------

TEST_F(AdminShows, BookingsCarryTheirTotalAtTheShowsPrice) {
  const User u = RegisterUser("admin.shows.total");
  const OwnShow show = NewShow({.price_cents = 1250});
  const std::vector<std::int64_t> seats(show.seat_ids.begin(), show.seat_ids.begin() + 3);
  MustLock(client, u, seats);
  const Response r = Book(client, u, show.id, seats);
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_TRUE(HasExactKeys(r.json, kBookingCreatedKeys));
  EXPECT_EQ(r.json["total_cents"], Json(3750));
  EXPECT_EQ(r.json["currency"], Json(Currency()));
  const std::int64_t booking = r.json["booking_id"].integer();
  EXPECT_EQ(db().integer("SELECT total_cents FROM bookings WHERE id = " + Str(booking)), 3750);

  const Response list = client.get(kBookingsPath, Auth(u.token));
  ASSERT_TRUE(IsJson(list, 200));
  ASSERT_EQ(list.json.size(), 1u);
  EXPECT_EQ(list.json.at(0)["total_cents"], Json(3750));
  EXPECT_EQ(list.json.at(0)["currency"], Json(Currency()));

  const OwnShow free_show = NewShow();
  MustLock(client, u, {free_show.seat_ids.at(0)});
  const Response free_booking = Book(client, u, free_show.id, {free_show.seat_ids.at(0)});
  ASSERT_TRUE(IsJson(free_booking, 201));
  EXPECT_EQ(free_booking.json["total_cents"], Json(0));
  EXPECT_EQ(free_booking.json["currency"], Json(Currency()));
}

// ---- the report -------------------------------------------------------------------------

// What the database says the report should say, by the seat rules (a hold counts while
// hold_expires_at is ahead of the database clock).
Json ReportFromDb(Db& db, std::int64_t show) {
  const auto seats = db.rows(
      "SELECT COUNT(*), "
      "SUM(status = 'SOLD'), "
      "SUM(status = 'LOCKED' AND hold_expires_at > UTC_TIMESTAMP(6)) "
      "FROM show_seats WHERE show_id = " +
      Str(show));
  const std::int64_t capacity = std::stoll(seats[0][0].value_or("0"));
  const std::int64_t sold = std::stoll(seats[0][1].value_or("0"));
  const std::int64_t held = std::stoll(seats[0][2].value_or("0"));
  const auto bookings = db.rows(
      "SELECT SUM(status = 'CONFIRMED'), SUM(status = 'CANCELLED'), "
      "COALESCE(SUM(IF(status = 'CONFIRMED', total_cents, 0)), 0) FROM bookings WHERE "
      "show_id = " +
      Str(show));
  return Json::object()
      .set("show_id", Json(show))
      .set("status", db.value("SELECT status FROM shows WHERE id = " + Str(show)).value_or(""))
      .set("capacity", Json(capacity))
      .set("available", Json(capacity - sold - held))
      .set("held", Json(held))
      .set("sold", Json(sold))
      .set("bookings", Json(static_cast<std::int64_t>(std::stoll(bookings[0][0].value_or("0")))))
      .set("cancelled_bookings",
           Json(static_cast<std::int64_t>(std::stoll(bookings[0][1].value_or("0")))))
      .set("checked_in", 0)
      .set("revenue_cents",
           Json(static_cast<std::int64_t>(std::stoll(bookings[0][2].value_or("0")))))
      .set("currency", Currency());
}

TEST_F(AdminShows, ReportCountsWhatTheDatabaseHolds) {
  const OwnShow show = NewShow({.rows = {{"A", 4}, {"B", 4}}, .price_cents = 1000});
  const auto& s = show.seat_ids;
  const User holder = RegisterUser("admin.shows.report.holder");
  const User buyer = RegisterUser("admin.shows.report.buyer");
  const User canceller = RegisterUser("admin.shows.report.canceller");
  MustLock(client, buyer, {s[2], s[3], s[4]});
  MustBook(client, buyer, show.id, {s[2]});
  MustBook(client, buyer, show.id, {s[3], s[4]});
  MustLock(client, canceller, {s[5]});
  ASSERT_TRUE(IsJson(Cancel(client, canceller, MustBook(client, canceller, show.id, {s[5]})), 200));
  // Last, so that the holds (HOLD_SECONDS, 5 s on the test stack) are live for the report.
  MustLock(client, holder, {s[0], s[1]});

  const Response r = Report(show.id);
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_TRUE(HasExactKeys(r.json, kReportKeys));
  EXPECT_EQ(r.json, Json::object()
                        .set("show_id", Json(show.id))
                        .set("status", "ON_SALE")
                        .set("capacity", 8)
                        .set("available", 3)
                        .set("held", 2)
                        .set("sold", 3)
                        .set("bookings", 2)
                        .set("cancelled_bookings", 1)
                        .set("checked_in", 0)
                        .set("revenue_cents", 3000)
                        .set("currency", Currency()))
      << r.describe();
  EXPECT_EQ(r.json, ReportFromDb(db(), show.id));
}

TEST_F(AdminShows, ReportCountsALapsedHoldAsAvailable) {
  const OwnShow show = NewShow({.rows = {{"A", 3}}});
  const User u = RegisterUser("admin.shows.report.lapse");
  const Response lock = Lock(client, u, show.seat_ids.at(0));
  ASSERT_TRUE(IsJson(lock, 200));
  const Response held = Report(show.id);
  ASSERT_TRUE(IsJson(held, 200));
  EXPECT_EQ(held.json["held"], Json(1));
  EXPECT_EQ(held.json["available"], Json(2));
  WaitForDbTimePast(db(), ParseTime(lock.json["expires_at"].string()));
  const Response lapsed = Report(show.id);
  ASSERT_TRUE(IsJson(lapsed, 200));
  EXPECT_EQ(lapsed.json["held"], Json(0));
  EXPECT_EQ(lapsed.json["available"], Json(3));
  EXPECT_EQ(lapsed.json, ReportFromDb(db(), show.id));
}

TEST_F(AdminShows, UnknownShowsHaveNoReportAndCannotBeCancelled) {
  const std::string unknown = Str(db().integer("SELECT MAX(id) + 1000 FROM shows"));
  for (const std::string& id : {unknown, "9223372036854775807"s}) {
    EXPECT_TRUE(IsProblem(client.get("/api/v1/admin/shows/" + id + "/report", Auth(admin.token)),
                          404, "show_not_found"));
    EXPECT_TRUE(IsProblem(client.del("/api/v1/admin/shows/" + id, Auth(admin.token)), 404,
                          "show_not_found"));
  }
  for (const std::string id : {"0", "-1", "01", "abc", "1e3", "9223372036854775808"}) {
    SCOPED_TRACE("id " + id);
    EXPECT_TRUE(IsProblem(client.get("/api/v1/admin/shows/" + id + "/report", Auth(admin.token)),
                          404, "not_found"));
    EXPECT_TRUE(
        IsProblem(client.del("/api/v1/admin/shows/" + id, Auth(admin.token)), 404, "not_found"));
  }
  EXPECT_EQ(AuditEntriesBy(db(), admin), 0);
}

// ---- cancelling a show ------------------------------------------------------------------

// A show with two confirmed bookings of one customer (one seat, then two), one booking its
// customer cancelled, and a live hold of a third customer.
class CancelledShow : public AdminShows {
 protected:
  void SetUp() override {
    AdminShows::SetUp();
    show = NewShow({.rows = {{"A", 5}, {"B", 5}}, .price_cents = 700});
    const auto& s = show.seat_ids;
    buyer = RegisterUser("admin.cancel.buyer");
    quitter = RegisterUser("admin.cancel.quitter");
    holder = RegisterUser("admin.cancel.holder");
    MustLock(client, buyer, {s[0], s[1], s[2]});
    first = MustBook(client, buyer, show.id, {s[0]});
    second = MustBook(client, buyer, show.id, {s[1], s[2]});
    MustLock(client, quitter, {s[3]});
    quit = MustBook(client, quitter, show.id, {s[3]});
    ASSERT_TRUE(IsJson(Cancel(client, quitter, quit), 200));
    MustLock(client, holder, {s[4]});
  }

  OwnShow show;
  User buyer, quitter, holder;
  std::int64_t first = 0, second = 0, quit = 0;
};

TEST_F(CancelledShow, CancelEndsEveryBookingAndHoldInTheDatabaseAndIsAudited) {
  const Response r = CancelShow(show.id);
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, Json::object()
                        .set("show_id", Json(show.id))
                        .set("status", "CANCELLED")
                        .set("bookings_cancelled", 2))
      << r.describe();
  const std::string id = Str(show.id);
  EXPECT_EQ(db().value("SELECT status FROM shows WHERE id = " + id).value_or(""), "CANCELLED");
  EXPECT_EQ(
      db().integer("SELECT COUNT(*) FROM bookings WHERE status = 'CONFIRMED' AND show_id = " + id),
      0);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM bookings WHERE status = 'CANCELLED' AND "
                         "cancelled_at IS NOT NULL AND show_id = " +
                         id),
            3);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats bs JOIN bookings b ON b.id = "
                         "bs.booking_id WHERE bs.sold IS NOT NULL AND b.show_id = " +
                         id),
            0)
      << "booking_seats.sold is NULL once a booking is cancelled";
  EXPECT_EQ(LiveHolds(show.id), 0);
  EXPECT_EQ(
      db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'SOLD' AND show_id = " + id), 0);
  EXPECT_EQ(AuditEntries(db(), "show.cancel", "show:" + id, admin), 1);

  EXPECT_TRUE(IsProblem(CancelShow(show.id), 409, "show_cancelled")) << "cancelling it again";
  EXPECT_EQ(AuditEntries(db(), "show.cancel", "show:" + id, admin), 1)
      << "a refused cancel is not audited";
}

TEST_F(CancelledShow, AfterTheCancelEveryRequestOnTheShowIsRefused) {
  ASSERT_TRUE(IsJson(CancelShow(show.id), 200));
  const auto& s = show.seat_ids;
  for (const Request& viewer : {Request(), Auth(holder.token), Auth(buyer.token)}) {
    EXPECT_TRUE(IsProblem(client.get(ShowSeatsPath(show.id), viewer), 404, "show_not_found"));
  }
  // A free seat, a seat that was held, one that was sold, one whose booking was cancelled.
  for (const std::int64_t seat : {s[9], s[4], s[1], s[3]}) {
    SCOPED_TRACE("seat " + Str(seat));
    for (const User* u : {&holder, &buyer, &quitter}) {
      EXPECT_TRUE(IsProblem(Lock(client, *u, seat), 409, "show_cancelled"));
      EXPECT_TRUE(
          IsProblem(client.post(SeatLockPath(seat), Auth(u->token)), 409, "show_cancelled"));
      EXPECT_TRUE(
          IsProblem(client.patch(SeatLockPath(seat),
                                 JsonBody(Json::object().set("status", "AVAILABLE"), u->token)),
                    409, "show_cancelled"));
      EXPECT_TRUE(IsProblem(Release(client, *u, seat), 409, "show_cancelled"));
      EXPECT_TRUE(IsProblem(Book(client, *u, show.id, {seat}), 409, "show_cancelled"));
    }
  }
  EXPECT_TRUE(IsProblem(Book(client, holder, show.id, {s[4], s[9]}), 409, "show_cancelled"));
  for (const std::int64_t booking : {first, second}) {
    EXPECT_TRUE(IsProblem(Cancel(client, buyer, booking), 409, "booking_not_cancellable"));
  }
  EXPECT_TRUE(IsProblem(Cancel(client, quitter, quit), 409, "booking_not_cancellable"));

  const Response mine = client.get(kBookingsPath, Auth(buyer.token));
  ASSERT_TRUE(IsJson(mine, 200));
  ASSERT_EQ(mine.json.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(mine.json.at(i)["status"], Json("CANCELLED")) << mine.json.at(i).dump();
  }
  const Response listed = client.get(MovieShowsPath(show.movie_id));
  ASSERT_TRUE(IsJson(listed, 200));
  EXPECT_EQ(listed.json, Json::array()) << "a cancelled show is not listed";

  const Response report = Report(show.id);
  ASSERT_TRUE(IsJson(report, 200));
  EXPECT_EQ(report.json, Json::object()
                             .set("show_id", Json(show.id))
                             .set("status", "CANCELLED")
                             .set("capacity", 10)
                             .set("available", 10)
                             .set("held", 0)
                             .set("sold", 0)
                             .set("bookings", 0)
                             .set("cancelled_bookings", 3)
                             .set("checked_in", 0)
                             .set("revenue_cents", 0)
                             .set("currency", Currency()))
      << report.describe();
  EXPECT_EQ(report.json, ReportFromDb(db(), show.id));
  EXPECT_EQ(LiveHolds(show.id), 0) << "no refused request left a hold";
}

// ---- what every worker remembers (app/handlers/seat_map_view.*, seat_refusals.*) ---------

// Each worker keeps copies of seat grids and remembers refusals for SEAT_MAP_CACHE_MS
// (1 s on the test stack). These tests have every worker remember the show first, cancel
// it, and then ask every worker at once: a copy or a refusal that outlived the cancel
// would answer the grid or seat_unavailable instead.
class CancelOnEveryWorker : public AdminShows {
 protected:
  void SetUp() override {
    AdminShows::SetUp();
    show = NewShow();
    users = RegisterUsers(OnEveryWorker(), "admin.workers");
  }

  // How many of one round of simultaneous requests do not answer as `expected` says.
  template <typename Expected>
  int Wrong(const std::function<Response(int, Client&)>& fn, Expected expected,
            std::string* example) {
    int wrong = 0;
    for (const auto& r : RunTogether(OnEveryWorker(), fn)) {
      if (!expected(r)) {
        ++wrong;
        *example = r.describe();
      }
    }
    return wrong;
  }

  OwnShow show;
  std::vector<User> users;
};

TEST_F(CancelOnEveryWorker, GridIs404OnEveryWorkerAtOnce) {
  const User u = RegisterUser("admin.workers.grid");
  MustLock(client, u, {show.seat_ids.at(0)});
  std::string example;
  auto grid = [&](int, Client& c) { return c.get(ShowSeatsPath(show.id)); };
  ASSERT_EQ(Wrong(
                grid, [](const Response& r) { return r.status == 200; }, &example),
            0)
      << example;
  const auto cancelled = std::chrono::steady_clock::now();
  ASSERT_TRUE(IsJson(CancelShow(show.id), 200));
  EXPECT_EQ(
      Wrong(
          grid,
          [](const Response& r) { return static_cast<bool>(IsProblem(r, 404, "show_not_found")); },
          &example),
      0)
      << example << "\n  "
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               cancelled)
             .count()
      << " ms after the cancel";
}

TEST_F(CancelOnEveryWorker, RememberedRefusalsGiveWayToShowCancelledOnEveryWorker) {
  const User holder = RegisterUser("admin.workers.holder");
  const std::int64_t held = show.seat_ids.at(0);
  const std::int64_t sold = show.seat_ids.at(1);
  MustLock(client, holder, {held, sold});
  MustBook(client, holder, show.id, {sold});
  auto everyone = [&](std::int64_t seat, bool release) {
    return [&, seat, release](int i, Client& c) {
      const User& u = users[static_cast<std::size_t>(i)];
      return release ? Release(c, u, seat) : Lock(c, u, seat);
    };
  };
  std::string example;
  auto code_is = [](const std::string& code) {
    return [code](const Response& r) { return static_cast<bool>(IsProblem(r, 409, code)); };
  };
  // Two rounds each: a worker's first refusal teaches it the seat's show, the second is
  // remembered (seat_refusals.hpp).
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(Wrong(everyone(sold, false), code_is("seat_unavailable"), &example), 0) << example;
    ASSERT_EQ(Wrong(everyone(held, false), code_is("seat_unavailable"), &example), 0) << example;
    ASSERT_EQ(Wrong(everyone(held, true), code_is("not_lock_holder"), &example), 0) << example;
  }
  ASSERT_TRUE(IsJson(CancelShow(show.id), 200));
  EXPECT_EQ(Wrong(everyone(held, false), code_is("show_cancelled"), &example), 0) << example;
  EXPECT_EQ(Wrong(everyone(held, true), code_is("show_cancelled"), &example), 0) << example;
  EXPECT_EQ(Wrong(everyone(sold, false), code_is("show_cancelled"), &example), 0) << example;
  EXPECT_EQ(Wrong(everyone(show.seat_ids.at(2), false), code_is("show_cancelled"), &example), 0)
      << example;
  EXPECT_TRUE(IsProblem(Lock(client, holder, held), 409, "show_cancelled")) << "its holder";
  EXPECT_EQ(LiveHolds(show.id), 0);
}

TEST_F(CancelOnEveryWorker, NewShowIsListedOnEveryWorkerAndACancelledOneOnNone) {
  std::string example;
  auto listing = [&](int, Client& c) { return c.get(MovieShowsPath(show.movie_id)); };
  const Json listed = Json::array().push(show.show);
  EXPECT_EQ(Wrong(
                listing, [&](const Response& r) { return r.status == 200 && r.json == listed; },
                &example),
            0)
      << example;
  ASSERT_TRUE(IsJson(CancelShow(show.id), 200));
  EXPECT_EQ(
      Wrong(
          listing, [&](const Response& r) { return r.status == 200 && r.json == Json::array(); },
          &example),
      0)
      << example;
}

// ---- the audit trail --------------------------------------------------------------------

TEST_F(AdminShows, AuditTrailListsEveryAdminWriteNewestFirstWithItsActor) {
  const OwnShow show = NewShow();
  ASSERT_TRUE(IsJson(client.patch(AdminMoviePath(show.movie_id),
                                  JsonBody(Json::object().set("rating", "G"), admin.token)),
                     200));
  ASSERT_TRUE(IsJson(CancelShow(show.id), 200));
  const Response r = client.get(kAdminAudit, Auth(admin.token));
  ASSERT_TRUE(IsJson(r, 200));
  std::vector<std::pair<std::string, std::string>> mine;  // (action, target), newest first
  for (std::size_t i = 0; i < r.json.size(); ++i) {
    const Json e = r.json.at(i);
    if (e["actor_id"].integer() != admin.id) continue;
    mine.emplace_back(e["action"].string(), e["target"].string());
    EXPECT_TRUE(IsRfc3339Utc(e["at"].string())) << e.dump();
    EXPECT_TRUE(e["detail"].is_string()) << e.dump();
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"show.cancel", "show:" + Str(show.id)},
      {"movie.update", "movie:" + Str(show.movie_id)},
      {"show.create", "show:" + Str(show.id)},
      {"theatre.create", "theatre:" + Str(show.theatre_id)},
      {"movie.create", "movie:" + Str(show.movie_id)},
  };
  EXPECT_EQ(mine, expected) << r.describe();
}

}  // namespace
}  // namespace seats_test
