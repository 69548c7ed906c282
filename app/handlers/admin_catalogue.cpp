// Operators' movies and theatres (API.md Part 2, "Operators"). Each handler starts with the
// role check; bodies are checked field by field here, at the edge, before any rule runs.
#include <set>

#include "admin/movies.hpp"
#include "admin/theatres.hpp"
#include "admin/timezone.hpp"
#include "handlers/catalogue_json.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"
#include "http/text.hpp"

namespace seats {
namespace {

constexpr size_t kMaxTitle = 200, kMaxDescription = 5000, kMaxRating = 16;
constexpr int64_t kMaxDuration = 1000;
constexpr size_t kMaxTheatreName = 100, kMaxLocation = 200;
constexpr size_t kMaxRows = 26;
constexpr int64_t kMaxSeatsPerRow = 50;

std::string title(const std::string& value) { return checked_text(value, "title", 1, kMaxTitle); }
std::string description(const std::string& value) {
  return checked_text(value, "description", 0, kMaxDescription, Lines::Many);
}
std::string rating(const std::string& value) {
  return checked_text(value, "rating", 1, kMaxRating);
}

[[noreturn]] void invalid(const std::string& field, const std::string& why) {
  throw ApiError(Err::ValidationFailed, field + " " + why);
}

bool is_row_name(const std::string& name) {
  if (name.empty() || name.size() > 2) return false;
  for (char c : name) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::vector<TheatreRow> layout(const JsonBody& body) {
  std::vector<JsonBody> items = body.objects("rows");
  if (items.empty() || items.size() > kMaxRows) invalid("rows", "must hold 1 to 26 rows");
  std::vector<TheatreRow> rows;
  std::set<std::string> names;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string at = "rows[" + std::to_string(i) + "].row";
    std::string name = items[i].string("row");
    if (!is_row_name(name)) invalid(at, "must be 1 or 2 capital letters A-Z");
    if (!names.insert(name).second) invalid(at, "repeats row " + name);
    rows.push_back({name, items[i].integer("seats", 1, kMaxSeatsPerRow)});
  }
  return rows;
}

json_t* theatre_json(const Theatre& t) {
  json_t* rows = json_array();
  for (const TheatreRow& r : t.rows) {
    json_array_append_new(rows, json_pack("{s:o, s:I}", "row", json_str(r.name), "seats",
                                          static_cast<json_int_t>(r.seats)));
  }
  return json_pack("{s:I, s:o, s:o, s:o, s:o, s:I}", "id", static_cast<json_int_t>(t.id), "name",
                   json_str(t.name), "location", json_str(t.location), "timezone",
                   json_str(t.timezone), "rows", rows, "capacity",
                   static_cast<json_int_t>(t.capacity()));
}

}  // namespace

Response handle_admin_create_movie(Context& ctx, const Request& request, const RouteParams&) {
  int64_t actor = ctx.require_role(request, Role::Admin);
  JsonBody body = JsonBody::parse(request.body);
  Movie movie{0, title(body.string("title")),
              description(body.optional_string("description").value_or("")),
              body.integer("duration_mins", 1, kMaxDuration), rating(body.string("rating"))};
  return json_response(201, movie_json(create_movie(ctx.db, actor, movie)));
}

Response handle_admin_update_movie(Context& ctx, const Request& request,
                                   const RouteParams& params) {
  int64_t actor = ctx.require_role(request, Role::Admin);
  JsonBody body = JsonBody::parse(request.body);
  MovieChange change;
  if (auto v = body.optional_string("title")) change.title = title(*v);
  if (auto v = body.optional_string("description")) change.description = description(*v);
  change.duration_mins = body.optional_integer("duration_mins", 1, kMaxDuration);
  if (auto v = body.optional_string("rating")) change.rating = rating(*v);
  return json_response(200, movie_json(update_movie(ctx.db, actor, params.id, change)));
}

Response handle_admin_create_theatre(Context& ctx, const Request& request, const RouteParams&) {
  int64_t actor = ctx.require_role(request, Role::Admin);
  JsonBody body = JsonBody::parse(request.body);
  Theatre theatre{
      0,
      checked_text(body.string("name"), "name", 1, kMaxTheatreName),
      checked_text(body.optional_string("location").value_or(""), "location", 0, kMaxLocation),
      body.optional_string("timezone").value_or("UTC"),
      {}};
  if (!is_known_timezone(theatre.timezone)) {
    invalid("timezone", "must be an IANA time zone name such as Europe/Berlin");
  }
  theatre.rows = layout(body);
  return json_response(201, theatre_json(create_theatre(ctx.db, actor, theatre)));
}

Response handle_admin_list_theatres(Context& ctx, const Request& request, const RouteParams&) {
  ctx.require_role(request, Role::Admin);
  json_t* list = json_array();
  for (const Theatre& t : list_theatres(ctx.db)) json_array_append_new(list, theatre_json(t));
  return json_response(200, list);
}

}  // namespace seats
