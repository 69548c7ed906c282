// The operator's catalogue (API.md Part 2, "Operators"; /tmp/admin-contract.md): movies made
// and changed, theatres made with their own layouts and time zones. Each answer is compared
// with what the database holds afterwards, each refusal names its field and leaves neither a
// row nor an audit entry behind, and each write that happens is audited once.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/parallel.hpp"

namespace seats_test {
namespace {

using namespace std::string_literals;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Two bytes and four bytes a code point: limits count code points, not bytes.
const std::string kE = "\xC3\xA9";
const std::string kClapper = "\xF0\x9F\x8E\xAC";

// A copy that does not share the value (Json copies do), to change without touching v.
Json Copy(const Json& v) { return Json::parse(v.dump()); }

class AdminMovies : public ApiTest {
 protected:
  void SetUp() override { admin = RegisterAdmin(db(), "admin.movies"); }

  // The movie as the database has it, shaped as the API answers it.
  Json MovieInDb(std::int64_t id) {
    const auto rows = db().rows(
        "SELECT title, description, duration_mins, rating FROM movies WHERE id = " + Str(id));
    if (rows.size() != 1) return {};
    return Json::object()
        .set("id", Json(id))
        .set("title", rows[0][0].value_or(""))
        .set("description", rows[0][1].value_or(""))
        .set("duration_mins", Json(static_cast<std::int64_t>(std::stoll(rows[0][2].value_or("0")))))
        .set("rating", rows[0][3].value_or(""));
  }

  std::int64_t MoviesTitled(const std::string& prefix) {
    return RowsStartingWith(db(), "movies", "title", prefix);
  }

  Response Create(const Json& body) {
    return client.post(kAdminMovies, JsonBody(body, admin.token));
  }
  Response Patch(std::int64_t id, const Json& body) {
    return client.patch(AdminMoviePath(id), JsonBody(body, admin.token));
  }

  User admin;
};

TEST_F(AdminMovies, CreateAnswersTheMovieAsListedStoresItAndAuditsIt) {
  const std::string title = UniqueName("admin.movies.create");
  const Json body = Json::object()
                        .set("title", title)
                        .set("description", "Two lines\nand a\ttab.")
                        .set("duration_mins", 123)
                        .set("rating", "PG-13");
  const Response r = Create(body);
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_TRUE(HasExactKeys(r.json, kMovieKeys));
  const std::int64_t id = r.json["id"].integer();
  EXPECT_EQ(r.json, Copy(body).set("id", Json(id))) << r.describe();
  EXPECT_EQ(MovieInDb(id), r.json);

  const Response list = client.get("/api/v1/movies");
  ASSERT_TRUE(IsJson(list, 200));
  int listed = 0;
  for (std::size_t i = 0; i < list.json.size(); ++i) {
    if (list.json.at(i)["id"].integer() != id) continue;
    ++listed;
    EXPECT_EQ(list.json.at(i), r.json) << "GET /movies lists it as POST answered it";
  }
  EXPECT_EQ(listed, 1);
  EXPECT_EQ(AuditEntries(db(), "movie.create", "movie:" + Str(id), admin), 1);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 1);
}

TEST_F(AdminMovies, DescriptionIsOptionalAndTitleAndRatingAreTrimmed) {
  const std::string title = UniqueName("admin.movies.trim");
  const Response r = Create(Json::object()
                                .set("title", "  \t" + title + " \n")
                                .set("duration_mins", 90)
                                .set("rating", " R  "));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_EQ(r.json["title"].string(), title);
  EXPECT_EQ(r.json["rating"].string(), "R");
  EXPECT_TRUE(r.json["description"].is_string());
  EXPECT_EQ(r.json["description"].string(), "");
  EXPECT_EQ(MovieInDb(r.json["id"].integer()), r.json);
}

TEST_F(AdminMovies, ValuesAtTheLimitsAreAcceptedAndStoredWhole) {
  const std::string tag = UniqueName("lim");
  struct Case {
    std::string label;
    Json body;
  };
  const Case cases[] = {
      {"title of 200 two-byte code points",
       MovieBody(tag + Repeat(kE, 200 - static_cast<int>(tag.size())))},
      {"title of 200 four-byte code points",
       MovieBody(tag + Repeat(kClapper, 200 - static_cast<int>(tag.size())))},
      {"description of 5000 code points with newlines and tabs",
       MovieBody(UniqueName("lim")).set("description", Repeat(kClapper + "\n\t" + kE, 1250))},
      {"empty description", MovieBody(UniqueName("lim")).set("description", "")},
      {"duration_mins 1", MovieBody(UniqueName("lim"), 1)},
      {"duration_mins 1000", MovieBody(UniqueName("lim"), 1000)},
      {"rating of 16 code points",
       MovieBody(UniqueName("lim")).set("rating", Repeat(kClapper, 16))},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    const Response r = Create(c.body);
    ASSERT_TRUE(IsJson(r, 201));
    EXPECT_EQ(r.json, Copy(c.body).set("id", Json(r.json["id"].integer())));
    EXPECT_EQ(MovieInDb(r.json["id"].integer()), r.json) << "stored whole";
  }
}

// One bad member in an otherwise valid body: 422 validation_failed, detail starting with the
// member's name, and nothing stored or audited. The titles of the valid cases start with a
// prefix no movie has, so a movie made anyway would be found.
TEST_F(AdminMovies, EachFieldOutsideItsLimitsIs422NamingItAndStoresNothing) {
  const std::string prefix = UniqueName("admin.movies.refused");
  const std::string title = prefix + " title";
  struct Case {
    std::string field;
    std::string raw;  // the member's JSON text, or empty to leave the member out
  };
  const Case cases[] = {
      {"title", ""},
      {"title", R"("")"},
      {"title", R"("   ")"},
      {"title", Json(prefix + Repeat(kE, 201 - static_cast<int>(prefix.size()))).dump()},
      {"title", "123"},
      {"title", "null"},
      {"title", R"(["x"])"},
      {"title", Json(prefix + " \x01 bell").dump()},
      {"title", Json(prefix + " new\nline").dump()},
      {"title", Json(prefix + " \0 nul"s).dump()},
      {"description", Json(Repeat(kE, 5001)).dump()},
      {"description", "5"},
      {"description", "null"},
      {"description", Json("bell \x07").dump()},
      {"description", Json("carriage\rreturn").dump()},
      {"description", Json("nul \0 inside"s).dump()},
      {"duration_mins", ""},
      {"duration_mins", "0"},
      {"duration_mins", "1001"},
      {"duration_mins", "-1"},
      {"duration_mins", "1.5"},
      {"duration_mins", "90.0"},
      {"duration_mins", "1e2"},
      {"duration_mins", R"("90")"},
      {"duration_mins", "true"},
      {"duration_mins", "null"},
      {"duration_mins", "9223372036854775808"},
      {"rating", ""},
      {"rating", R"("")"},
      {"rating", R"("  ")"},
      {"rating", Json(Repeat("R", 17)).dump()},
      {"rating", "7"},
      {"rating", Json("P\tG").dump()},
      {"rating", Json("P\0G"s).dump()},
  };
  const Members valid = {{"title", Json(title).dump()},
                         {"description", R"("ok")"},
                         {"duration_mins", "90"},
                         {"rating", R"("PG")"}};
  for (const auto& c : cases) {
    const std::string body = ObjectWith(valid, c.field, c.raw);
    SCOPED_TRACE(body.substr(0, 200));
    EXPECT_TRUE(IsRefusedField(client.post(kAdminMovies, RawBody(body, admin.token)), c.field));
  }
  EXPECT_EQ(MoviesTitled(prefix), 0);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 0);
}

TEST_F(AdminMovies, BodyThatIsNotAJsonObjectIs400InvalidJson) {
  for (const std::string body : {"", "[]", "{", "\"movie\"", "42", "null"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(
        IsProblem(client.post(kAdminMovies, RawBody(body, admin.token)), 400, "invalid_json"));
  }
  EXPECT_EQ(AuditEntriesBy(db(), admin), 0);
}

TEST_F(AdminMovies, UnknownMembersAreIgnored) {
  const Json body = MovieBody(UniqueName("admin.movies.unknown"));
  const Response r = Create(Copy(body).set("id", 1).set("director", "Nobody"));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_NE(r.json["id"].integer(), 1) << "the id is the server's, not the body's";
  EXPECT_EQ(r.json, Copy(body).set("id", Json(r.json["id"].integer())));
}

TEST_F(AdminMovies, PatchChangesTheGivenFieldsOnlyAndAuditsEachChange) {
  const Json created = MustCreate(client, admin, kAdminMovies, MovieBody(UniqueName("patch")));
  const std::int64_t id = created["id"].integer();
  Json expected = created;
  const Json patches[] = {
      Json::object().set("title", "  " + UniqueName("patched") + " "),
      Json::object().set("description", ""),
      Json::object().set("duration_mins", 1000),
      Json::object().set("rating", "NC-17"),
      Json::object().set("title", UniqueName("both")).set("rating", "G"),
  };
  int updates = 0;
  for (const auto& patch : patches) {
    SCOPED_TRACE(patch.dump());
    const Response r = Patch(id, patch);
    ASSERT_TRUE(IsJson(r, 200));
    EXPECT_TRUE(HasExactKeys(r.json, kMovieKeys));
    for (const auto& key : patch.keys()) {
      const Json v = patch[key];
      if (v.is_string()) {
        std::string text = v.string();
        text.erase(0, text.find_first_not_of(' '));
        text.erase(text.find_last_not_of(' ') + 1);
        expected.set(key, text);
      } else {
        expected.set(key, v);
      }
    }
    EXPECT_EQ(r.json, expected);
    EXPECT_EQ(MovieInDb(id), expected);
    ++updates;
    EXPECT_EQ(AuditEntries(db(), "movie.update", "movie:" + Str(id), admin), updates);
  }
}

TEST_F(AdminMovies, EmptyPatchChangesNothingAndIsNotAudited) {
  const Json created = MustCreate(client, admin, kAdminMovies, MovieBody(UniqueName("empty")));
  const std::int64_t id = created["id"].integer();
  const Response r = Patch(id, Json::object());
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json, created);
  EXPECT_EQ(MovieInDb(id), created);
  EXPECT_EQ(AuditEntries(db(), "movie.update", "movie:" + Str(id), admin), 0);
}

TEST_F(AdminMovies, PatchWithOneInvalidFieldIs422AndChangesNothing) {
  const Json created = MustCreate(client, admin, kAdminMovies, MovieBody(UniqueName("invalid")));
  const std::int64_t id = created["id"].integer();
  const std::pair<std::string, Json> cases[] = {
      {"title", Json::object().set("title", "")},
      {"title", Json::object().set("title", Json::null())},
      {"description", Json::object().set("description", Repeat("d", 5001))},
      {"duration_mins", Json::object().set("title", UniqueName("ok")).set("duration_mins", 0)},
      {"duration_mins", Json::object().set("duration_mins", "90")},
      {"rating", Json::object().set("rating", Repeat("R", 17)).set("description", "fine")},
  };
  for (const auto& [field, body] : cases) {
    SCOPED_TRACE(body.dump());
    EXPECT_TRUE(IsRefusedField(Patch(id, body), field));
  }
  EXPECT_EQ(MovieInDb(id), created);
  EXPECT_EQ(AuditEntries(db(), "movie.update", "movie:" + Str(id), admin), 0);
}

TEST_F(AdminMovies, PatchOfAnUnknownMovieIs404AfterTheBodyIsChecked) {
  const std::int64_t unknown = db().integer("SELECT COALESCE(MAX(id), 0) + 1000 FROM movies");
  EXPECT_TRUE(
      IsProblem(Patch(unknown, Json::object().set("title", "New")), 404, "movie_not_found"));
  EXPECT_TRUE(IsProblem(client.patch("/api/v1/admin/movies/9223372036854775807",
                                     JsonBody(Json::object(), admin.token)),
                        404, "movie_not_found"));
  // Body shape before existence (API.md "General").
  EXPECT_TRUE(
      IsRefusedField(Patch(unknown, Json::object().set("duration_mins", 0)), "duration_mins"));
  for (const std::string id : {"0", "-1", "01", "abc", "1e3", "9223372036854775808"}) {
    SCOPED_TRACE("id " + id);
    EXPECT_TRUE(
        IsProblem(client.patch("/api/v1/admin/movies/" + id, JsonBody(Json::object(), admin.token)),
                  404, "not_found"));
  }
  EXPECT_EQ(AuditEntriesBy(db(), admin), 0);
}

TEST_F(AdminMovies, NewAndChangedMoviesShowOnEveryWorkerAtOnce) {
  auto workers_listing = [&](const Json& movie) {
    const auto answers =
        RunTogether(OnEveryWorker(), [&](int, Client& c) { return c.get("/api/v1/movies"); });
    int wrong = 0;
    for (const auto& r : answers) {
      bool found = false;
      for (std::size_t i = 0; i < r.json.size(); ++i) {
        if (r.json.at(i) == movie) found = true;
      }
      if (r.status != 200 || !found) ++wrong;
    }
    return wrong;
  };
  const Json created = MustCreate(client, admin, kAdminMovies, MovieBody(UniqueName("workers")));
  EXPECT_EQ(workers_listing(created), 0) << "after POST";
  const Response patched =
      Patch(created["id"].integer(), Json::object().set("title", UniqueName("renamed")));
  ASSERT_TRUE(IsJson(patched, 200));
  EXPECT_EQ(workers_listing(patched.json), 0) << "after PATCH";
}

// ---- theatres ---------------------------------------------------------------------------

class AdminTheatres : public ApiTest {
 protected:
  void SetUp() override { admin = RegisterAdmin(db(), "admin.theatres"); }

  // The theatre as the database has it, shaped as the API answers it.
  Json TheatreInDb(std::int64_t id) {
    const auto t = db().rows("SELECT name, location, timezone FROM theatres WHERE id = " + Str(id));
    if (t.size() != 1) return {};
    Json rows = Json::array();
    std::int64_t capacity = 0;
    for (const auto& r : db().rows("SELECT row_name, seats FROM theatre_rows WHERE theatre_id = " +
                                   Str(id) + " ORDER BY position")) {
      const std::int64_t seats = std::stoll(r[1].value_or("0"));
      rows.push(Json::object().set("row", r[0].value_or("")).set("seats", Json(seats)));
      capacity += seats;
    }
    return Json::object()
        .set("id", Json(id))
        .set("name", t[0][0].value_or(""))
        .set("location", t[0][1].value_or(""))
        .set("timezone", t[0][2].value_or(""))
        .set("rows", rows)
        .set("capacity", Json(capacity));
  }

  std::int64_t TheatresNamed(const std::string& prefix) {
    return RowsStartingWith(db(), "theatres", "name", prefix);
  }

  Response Create(const Json& body) {
    return client.post(kAdminTheatres, JsonBody(body, admin.token));
  }

  User admin;
};

TEST_F(AdminTheatres, CreateKeepsTheRowsInTheOrderGivenAndAuditsIt) {
  const std::vector<Row> rows = {{"C", 3}, {"AA", 12}, {"B", 1}, {"ZZ", 50}};
  const std::string name = UniqueName("admin.theatres.create");
  const Response r = Create(Json::object()
                                .set("name", name)
                                .set("location", "Hall 2, Level 3")
                                .set("timezone", "Asia/Kolkata")
                                .set("rows", RowsJson(rows)));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_TRUE(HasExactKeys(r.json, kTheatreKeys));
  const std::int64_t id = r.json["id"].integer();
  EXPECT_EQ(r.json, Json::object()
                        .set("id", Json(id))
                        .set("name", name)
                        .set("location", "Hall 2, Level 3")
                        .set("timezone", "Asia/Kolkata")
                        .set("rows", RowsJson(rows))
                        .set("capacity", Json(Capacity(rows))))
      << r.describe();
  EXPECT_EQ(TheatreInDb(id), r.json);
  EXPECT_EQ(AuditEntries(db(), "theatre.create", "theatre:" + Str(id), admin), 1);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 1);
}

TEST_F(AdminTheatres, LocationAndTimezoneAreOptionalAndNameIsTrimmed) {
  const std::string name = UniqueName("admin.theatres.defaults");
  const Response r =
      Create(Json::object().set("name", " " + name + "\t").set("rows", RowsJson({{"A", 1}})));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_EQ(r.json["name"].string(), name);
  EXPECT_EQ(r.json["location"], Json(""));
  EXPECT_EQ(r.json["timezone"], Json("UTC"));
  EXPECT_EQ(r.json["capacity"], Json(1));
  EXPECT_EQ(TheatreInDb(r.json["id"].integer()), r.json);
}

TEST_F(AdminTheatres, TimezoneIsAnyIanaNameTheServerKnows) {
  for (const std::string zone :
       {"Europe/Berlin", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Pacific/Chatham"}) {
    SCOPED_TRACE(zone);
    const Response r = Create(TheatreBody(UniqueName("tz"), {{"A", 2}}).set("timezone", zone));
    ASSERT_TRUE(IsJson(r, 201));
    EXPECT_EQ(r.json["timezone"].string(), zone);
    EXPECT_EQ(TheatreInDb(r.json["id"].integer()), r.json);
  }
  const std::string prefix = UniqueName("admin.theatres.badtz");
  const std::string bad[] = {R"("Mars/Base")",
                             R"("")",
                             R"("Europe/")",
                             R"("../../../etc/passwd")",
                             R"("/etc/localtime")",
                             R"("Europe/Berlin\u0000")",
                             "5",
                             "null",
                             R"(["UTC"])"};
  for (const auto& zone : bad) {
    SCOPED_TRACE("timezone " + zone);
    const std::string body = R"({"name":)" + Json(prefix).dump() +
                             R"(,"rows":[{"row":"A","seats":1}],"timezone":)" + zone + "}";
    EXPECT_TRUE(
        IsRefusedField(client.post(kAdminTheatres, RawBody(body, admin.token)), "timezone"));
  }
  EXPECT_EQ(TheatresNamed(prefix), 0);
}

TEST_F(AdminTheatres, TwentySixRowsOfFiftySeatsAreTheLargestLayout) {
  std::vector<Row> rows;
  for (char c = 'A'; c <= 'Z'; ++c) rows.push_back({std::string(2, c), 50});
  const Response r = Create(TheatreBody(UniqueName("admin.theatres.largest"), rows));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_EQ(r.json["capacity"], Json(1300));
  EXPECT_EQ(r.json["rows"], RowsJson(rows));
  EXPECT_EQ(TheatreInDb(r.json["id"].integer()), r.json);
}

TEST_F(AdminTheatres, RowsOutsideTheRulesAre422NamingRowsAndStoreNothing) {
  const std::string prefix = UniqueName("admin.theatres.rows");
  std::string rows27;
  for (int i = 0; i < 27; ++i) {
    const std::string name = i < 26 ? std::string(1, static_cast<char>('A' + i)) : "AA";
    rows27 += std::string(i ? "," : "") + R"({"row":")" + name + R"(","seats":1})";
  }
  const std::string bad_rows[] = {
      "",  // no rows member
      "[]",
      "[" + rows27 + "]",
      R"([{"row":"A","seats":1},{"row":"B","seats":1},{"row":"A","seats":2}])",
      R"([{"row":"a","seats":1}])",
      R"([{"row":"AAA","seats":1}])",
      R"([{"row":"A1","seats":1}])",
      R"([{"row":"","seats":1}])",
      R"([{"row":" A","seats":1}])",
      R"([{"row":"\u00c4","seats":1}])",
      R"([{"row":"A\u0000","seats":1}])",
      R"([{"row":1,"seats":1}])",
      R"([{"row":null,"seats":1}])",
      R"([{"seats":1}])",
      R"([{"row":"A"}])",
      R"([{"row":"A","seats":0}])",
      R"([{"row":"A","seats":51}])",
      R"([{"row":"A","seats":-1}])",
      R"([{"row":"A","seats":1.5}])",
      R"([{"row":"A","seats":10.0}])",
      R"([{"row":"A","seats":"10"}])",
      R"([{"row":"A","seats":null}])",
      R"(["A"])",
      R"([["A",10]])",
      R"([null])",
      R"({"row":"A","seats":10})",
      R"("A-E")",
      "10",
      "null",
  };
  for (const auto& rows : bad_rows) {
    SCOPED_TRACE("rows " + rows.substr(0, 120));
    std::string body = R"({"name":)" + Json(prefix).dump();
    if (!rows.empty()) body += R"(,"rows":)" + rows;
    body += "}";
    EXPECT_TRUE(IsRefusedField(client.post(kAdminTheatres, RawBody(body, admin.token)), "rows"));
  }
  EXPECT_EQ(TheatresNamed(prefix), 0);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 0);
}

TEST_F(AdminTheatres, NameAndLocationLimitsCountCodePoints) {
  const std::string prefix = UniqueName("nl");
  const int room = 100 - static_cast<int>(prefix.size());
  const Response longest = Create(
      TheatreBody(prefix + Repeat(kClapper, room), {{"A", 1}}).set("location", Repeat(kE, 200)));
  ASSERT_TRUE(IsJson(longest, 201));
  EXPECT_EQ(TheatreInDb(longest.json["id"].integer()), longest.json);

  const std::string refused = UniqueName("admin.theatres.refused");
  const std::pair<std::string, Json> cases[] = {
      {"name",
       TheatreBody(refused + Repeat(kE, 101 - static_cast<int>(refused.size())), {{"A", 1}})},
      {"name", TheatreBody("   ", {{"A", 1}})},
      {"name", TheatreBody(refused + "\0"s, {{"A", 1}})},
      {"name", TheatreBody(refused + "\x1b[31m", {{"A", 1}})},
      {"name", Json::object().set("rows", RowsJson({{"A", 1}}))},
      {"name", TheatreBody("", {{"A", 1}}).set("name", 7)},
      {"location", TheatreBody(refused, {{"A", 1}}).set("location", Repeat(kE, 201))},
      {"location", TheatreBody(refused, {{"A", 1}}).set("location", "Main St\0"s)},
      {"location", TheatreBody(refused, {{"A", 1}}).set("location", Json::null())},
  };
  for (const auto& [field, body] : cases) {
    SCOPED_TRACE(body.dump().substr(0, 200));
    EXPECT_TRUE(IsRefusedField(Create(body), field));
  }
  EXPECT_EQ(TheatresNamed(refused), 0);
  EXPECT_EQ(AuditEntriesBy(db(), admin), 1) << "only the theatre that was made";
}

TEST_F(AdminTheatres, ListHoldsEveryTheatreByIdAsTheDatabaseHasIt) {
  const Json created =
      MustCreate(client, admin, kAdminTheatres, TheatreBody(UniqueName("list"), {{"Q", 7}}));
  std::set<std::int64_t> before = IdsIn(db(), "theatres");
  const Response r = client.get(kAdminTheatres, Auth(admin.token));
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_TRUE(r.json.is_array());
  std::int64_t previous = 0;
  int found = 0;
  for (std::size_t i = 0; i < r.json.size(); ++i) {
    const Json t = r.json.at(i);
    SCOPED_TRACE(t.dump().substr(0, 300));
    EXPECT_TRUE(HasExactKeys(t, kTheatreKeys));
    EXPECT_GT(t["id"].integer(), previous) << "ordered by id";
    previous = t["id"].integer();
    EXPECT_EQ(TheatreInDb(t["id"].integer()), t);
    if (t == created) ++found;
    before.erase(t["id"].integer());
    if (t["id"].integer() <= 2) {
      // The demo theatres (sql/demo.sql), as every show had them before layouts existed.
      std::vector<Row> demo;
      for (const char* row : {"A", "B", "C", "D", "E"}) demo.push_back({row, 10});
      EXPECT_EQ(t["rows"], RowsJson(demo));
      EXPECT_EQ(t["capacity"], Json(50));
    }
  }
  EXPECT_EQ(found, 1);
  EXPECT_TRUE(before.empty()) << before.size() << " theatres missing, e.g. " << *before.begin();
}

}  // namespace
}  // namespace seats_test
