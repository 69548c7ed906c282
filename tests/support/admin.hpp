// The operator's side as the admin suites drive it (API.md Part 2, "Operators"): admin
// accounts, and the movies, theatres and shows a test makes for itself. A test that needs a
// show makes its own theatre, so that no show of another test or of an earlier run can
// overlap it (409 show_overlaps), and its own movie, so that the demo movies' shows, which
// the other suites share out by index (seat_pool.hpp), stay what they are.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "support/api.hpp"
#include "support/client.hpp"
#include "support/db.hpp"
#include "support/json.hpp"
#include "support/timeutil.hpp"

namespace seats_test {

inline const char* const kAdminMovies = "/api/v1/admin/movies";
inline const char* const kAdminTheatres = "/api/v1/admin/theatres";
inline const char* const kAdminShows = "/api/v1/admin/shows";
inline const char* const kAdminAudit = "/api/v1/admin/audit";
std::string AdminMoviePath(std::int64_t movie_id);
std::string AdminShowPath(std::int64_t show_id);
std::string ReportPath(std::int64_t show_id);
std::string MovieShowsPath(std::int64_t movie_id);

// The members of the answers (API.md Part 2; docs/api.md "Operators' bodies" and after).
extern const std::set<std::string> kMovieKeys;
extern const std::set<std::string> kTheatreKeys;
extern const std::set<std::string> kShowKeys;  // show objects everywhere
extern const std::set<std::string> kReportKeys;

// A new user whose role is then set in the database, as `scripts/stack role` does.
User RegisterWithRole(Db& db, const std::string& tag, const std::string& role);
User RegisterAdmin(Db& db, const std::string& tag);

// Text no other test and no earlier run has used: tag, pid, a counter and the clock.
std::string UniqueName(const std::string& tag);

struct Row {
  std::string name;
  int seats;
};
Json RowsJson(const std::vector<Row>& rows);
std::int64_t Capacity(const std::vector<Row>& rows);

// Valid bodies: every required member, the optional ones left out.
Json MovieBody(const std::string& title, int duration_mins = 90);
Json TheatreBody(const std::string& name, const std::vector<Row>& rows);
Json ShowBody(std::int64_t movie_id, std::int64_t theatre_id, TimePoint time);

// The JSON text of an object with these members (name, JSON text of the value) in order,
// except that `field`'s value is `raw` instead, or the member is left out when raw is "".
using Members = std::vector<std::pair<std::string, std::string>>;
std::string ObjectWith(const Members& members, const std::string& field, const std::string& raw);

// POSTs body to path as `admin`; throws unless the answer is 201 with an integer id.
Json MustCreate(Client& c, const User& admin, const std::string& path, const Json& body);
std::int64_t MustCreateMovie(Client& c, const User& admin, const std::string& tag,
                             int duration_mins = 90);
std::int64_t MustCreateTheatre(Client& c, const User& admin, const std::string& tag,
                               const std::vector<Row>& rows);

// What MustCreateOwnShow makes: a movie, a theatre and a show of them, all new.
struct ShowSpec {
  std::vector<Row> rows = {{"A", 5}, {"B", 5}};
  int duration_mins = 90;
  std::chrono::seconds starts_in = std::chrono::hours(48);  // from the database's now
  std::int64_t price_cents = 0;
  Json extra = Json::object();  // further members of the show body (on_sale_at, ...)
};
struct OwnShow {
  std::int64_t id = 0;
  std::int64_t movie_id = 0;
  std::int64_t theatre_id = 0;
  Json show;                           // the 201 answer
  std::vector<std::int64_t> seat_ids;  // in the grid's order
  std::vector<std::string> seat_names;
};
OwnShow MustCreateOwnShow(Client& c, Db& db, const User& admin, const std::string& tag,
                          const ShowSpec& spec = {});

// Rows of `table` whose text `column` starts with `prefix`, byte for byte.
std::int64_t RowsStartingWith(Db& db, const std::string& table, const std::string& column,
                              const std::string& prefix);
// Every id in `table` now: each must be in a list read after this, whatever other suites
// add meanwhile.
std::set<std::int64_t> IdsIn(Db& db, const std::string& table);

// The audit trail in the database.
std::int64_t AuditEntriesBy(Db& db, const User& actor);
// How many entries name this action and target with this actor.
std::int64_t AuditEntries(Db& db, const std::string& action, const std::string& target,
                          const User& actor);

// The problem's detail starts with the field's name (each 422 of the admin API does).
::testing::AssertionResult DetailStartsWith(const Response& r, const std::string& field);
// 422 validation_failed whose detail starts with the field's name.
::testing::AssertionResult IsRefusedField(const Response& r, const std::string& field);

}  // namespace seats_test
