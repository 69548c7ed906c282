#include "admin/movies.hpp"

#include "admin/audit.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace seats {
namespace {

constexpr const char* kInsertMovie =
    "INSERT INTO movies (title, description, duration_mins, rating) VALUES (?, ?, ?, ?)";
constexpr const char* kLockMovie =
    "SELECT id, title, description, duration_mins, rating FROM movies WHERE id = ? FOR UPDATE";
// A NULL parameter keeps the column as it is.
constexpr const char* kUpdateMovie =
    "UPDATE movies SET title = COALESCE(?, title), description = COALESCE(?, description), "
    "  duration_mins = COALESCE(?, duration_mins), rating = COALESCE(?, rating) WHERE id = ?";

Param optional_text(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return std::string_view(*value);
}

std::string changed_fields(const MovieChange& change) {
  std::string fields;
  auto add = [&](bool given, const char* name) {
    if (!given) return;
    if (!fields.empty()) fields += ", ";
    fields += name;
  };
  add(change.title.has_value(), "title");
  add(change.description.has_value(), "description");
  add(change.duration_mins.has_value(), "duration_mins");
  add(change.rating.has_value(), "rating");
  return fields;
}

}  // namespace

Movie create_movie(Connection& db, int64_t actor, const Movie& movie) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& insert = db.statement(kInsertMovie);
    insert.run({movie.title, movie.description, movie.duration_mins, movie.rating});
    Movie created = movie;
    created.id = insert.insert_id();
    append_audit(db, actor, "movie.create", "movie:" + std::to_string(created.id),
                 "\"" + created.title + "\", " + std::to_string(created.duration_mins) + " min, " +
                     created.rating);
    tx.commit();
    return created;
  });
}

Movie update_movie(Connection& db, int64_t actor, int64_t movie_id, const MovieChange& change) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& current = db.statement(kLockMovie);
    current.run({movie_id});
    if (!current.next()) throw ApiError(Err::MovieNotFound, "No movie has this id");
    Movie movie{current.int64(0), current.text(1), current.text(2), current.int64(3),
                current.text(4)};
    if (change.empty()) return movie;

    Param duration = nullptr;
    if (change.duration_mins) duration = *change.duration_mins;
    db.statement(kUpdateMovie)
        .run({optional_text(change.title), optional_text(change.description), duration,
              optional_text(change.rating), movie_id});
    if (change.title) movie.title = *change.title;
    if (change.description) movie.description = *change.description;
    if (change.duration_mins) movie.duration_mins = *change.duration_mins;
    if (change.rating) movie.rating = *change.rating;
    append_audit(db, actor, "movie.update", "movie:" + std::to_string(movie_id),
                 "changed " + changed_fields(change));
    tx.commit();
    return movie;
  });
}

}  // namespace seats
