#include "support/admin.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>

#include "support/assertions.hpp"

namespace seats_test {

const std::set<std::string> kMovieKeys = {"id", "title", "description", "duration_mins", "rating"};
const std::set<std::string> kTheatreKeys = {"id",       "name", "location",
                                            "timezone", "rows", "capacity"};
const std::set<std::string> kShowKeys = {
    "id",          "movie_id", "theatre_id", "theatre",    "location", "time",     "movie_title",
    "price_cents", "currency", "on_sale_at", "queue_rate", "capacity", "timezone", "status"};
const std::set<std::string> kReportKeys = {
    "show_id",    "status",        "capacity", "available",
    "held",       "sold",          "bookings", "cancelled_bookings",
    "checked_in", "revenue_cents", "currency"};

std::string AdminMoviePath(std::int64_t movie_id) {
  return std::string(kAdminMovies) + "/" + Str(movie_id);
}
std::string AdminShowPath(std::int64_t show_id) {
  return std::string(kAdminShows) + "/" + Str(show_id);
}
std::string ReportPath(std::int64_t show_id) { return AdminShowPath(show_id) + "/report"; }
std::string MovieShowsPath(std::int64_t movie_id) {
  return "/api/v1/movies/" + Str(movie_id) + "/shows";
}

User RegisterWithRole(Db& db, const std::string& tag, const std::string& role) {
  User u = RegisterUser(tag);
  db.exec("UPDATE users SET role = '" + role + "' WHERE id = " + Str(u.id));
  return u;
}

User RegisterAdmin(Db& db, const std::string& tag) { return RegisterWithRole(db, tag, "admin"); }

std::string UniqueName(const std::string& tag) {
  static std::atomic<int> counter{0};
  const auto nanos = std::chrono::steady_clock::now().time_since_epoch().count();
  return tag + " " + std::to_string(getpid()) + "." + std::to_string(counter.fetch_add(1)) + "." +
         std::to_string(nanos % 1000000007);
}

Json RowsJson(const std::vector<Row>& rows) {
  Json a = Json::array();
  for (const auto& r : rows) a.push(Json::object().set("row", r.name).set("seats", r.seats));
  return a;
}

std::int64_t Capacity(const std::vector<Row>& rows) {
  std::int64_t n = 0;
  for (const auto& r : rows) n += r.seats;
  return n;
}

Json MovieBody(const std::string& title, int duration_mins) {
  return Json::object()
      .set("title", title)
      .set("description", "Made by the integration tests.")
      .set("duration_mins", duration_mins)
      .set("rating", "PG");
}

Json TheatreBody(const std::string& name, const std::vector<Row>& rows) {
  return Json::object()
      .set("name", name)
      .set("location", "Test Street 1")
      .set("rows", RowsJson(rows));
}

Json ShowBody(std::int64_t movie_id, std::int64_t theatre_id, TimePoint time) {
  return Json::object()
      .set("movie_id", Json(movie_id))
      .set("theatre_id", Json(theatre_id))
      .set("time", FormatTime(time));
}

std::string ObjectWith(const Members& members, const std::string& field, const std::string& raw) {
  std::string out;
  for (const auto& [name, valid] : members) {
    const std::string& value = name == field ? raw : valid;
    if (value.empty()) continue;
    out += (out.empty() ? "{" : ",") + Json(name).dump() + ":" + value;
  }
  bool listed = false;
  for (const auto& m : members) listed = listed || m.first == field;
  if (!listed && !raw.empty()) out += (out.empty() ? "{" : ",") + Json(field).dump() + ":" + raw;
  return out.empty() ? "{}" : out + "}";
}

Json MustCreate(Client& c, const User& admin, const std::string& path, const Json& body) {
  const Response r = c.post(path, JsonBody(body, admin.token));
  if (r.status != 201 || !r.json["id"].is_integer()) {
    throw std::runtime_error("create failed: " + r.describe());
  }
  return r.json;
}

std::int64_t MustCreateMovie(Client& c, const User& admin, const std::string& tag,
                             int duration_mins) {
  return MustCreate(c, admin, kAdminMovies, MovieBody(UniqueName(tag), duration_mins))["id"]
      .integer();
}

std::int64_t MustCreateTheatre(Client& c, const User& admin, const std::string& tag,
                               const std::vector<Row>& rows) {
  return MustCreate(c, admin, kAdminTheatres, TheatreBody(UniqueName(tag), rows))["id"].integer();
}

OwnShow MustCreateOwnShow(Client& c, Db& db, const User& admin, const std::string& tag,
                          const ShowSpec& spec) {
  OwnShow s;
  s.movie_id = MustCreateMovie(c, admin, tag, spec.duration_mins);
  s.theatre_id = MustCreateTheatre(c, admin, tag, spec.rows);
  Json body = ShowBody(s.movie_id, s.theatre_id, db.now() + spec.starts_in);
  body.set("price_cents", Json(spec.price_cents));
  for (const auto& key : spec.extra.keys()) body.set(key, spec.extra[key]);
  s.show = MustCreate(c, admin, kAdminShows, body);
  s.id = s.show["id"].integer();
  const Response grid = c.get(ShowSeatsPath(s.id));
  if (grid.status != 200 || !grid.json.is_array()) {
    throw std::runtime_error("cannot read the new show's grid: " + grid.describe());
  }
  for (std::size_t i = 0; i < grid.json.size(); ++i) {
    s.seat_ids.push_back(grid.json.at(i)["id"].integer());
    s.seat_names.push_back(grid.json.at(i)["name"].string());
  }
  return s;
}

std::int64_t RowsStartingWith(Db& db, const std::string& table, const std::string& column,
                              const std::string& prefix) {
  return db.integer("SELECT COUNT(*) FROM " + table + " WHERE LEFT(HEX(" + column + "), " +
                    Str(static_cast<std::int64_t>(2 * prefix.size())) + ") = '" + Hex(prefix) +
                    "'");
}

std::set<std::int64_t> IdsIn(Db& db, const std::string& table) {
  std::set<std::int64_t> ids;
  for (const auto& row : db.rows("SELECT id FROM " + table)) ids.insert(std::stoll(*row[0]));
  return ids;
}

std::int64_t AuditEntriesBy(Db& db, const User& actor) {
  return db.integer("SELECT COUNT(*) FROM audit_log WHERE actor_id = " + Str(actor.id));
}

std::int64_t AuditEntries(Db& db, const std::string& action, const std::string& target,
                          const User& actor) {
  return db.integer("SELECT COUNT(*) FROM audit_log WHERE action = '" + action +
                    "' AND target = '" + target + "' AND actor_id = " + Str(actor.id));
}

::testing::AssertionResult DetailStartsWith(const Response& r, const std::string& field) {
  if (r.json["detail"].string().rfind(field, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "detail does not start with \"" << field << "\"\n  " << r.describe();
}

::testing::AssertionResult IsRefusedField(const Response& r, const std::string& field) {
  auto result = IsProblem(r, 422, "validation_failed");
  if (!result) return result << " (field " << field << ")";
  return DetailStartsWith(r, field);
}

}  // namespace seats_test
