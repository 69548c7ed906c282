#include "admin/theatres.hpp"

#include <map>

#include "admin/audit.hpp"
#include "db/transaction.hpp"

namespace seats {
namespace {

constexpr const char* kInsertTheatre =
    "INSERT INTO theatres (name, location, timezone) VALUES (?, ?, ?)";
constexpr const char* kInsertRow =
    "INSERT INTO theatre_rows (theatre_id, position, row_name, seats) VALUES (?, ?, ?, ?)";
constexpr const char* kListTheatres =
    "SELECT id, name, location, timezone FROM theatres ORDER BY id";
constexpr const char* kListRows =
    "SELECT theatre_id, row_name, seats FROM theatre_rows ORDER BY theatre_id, position";

}  // namespace

int64_t Theatre::capacity() const {
  int64_t total = 0;
  for (const TheatreRow& row : rows) total += row.seats;
  return total;
}

Theatre create_theatre(Connection& db, int64_t actor, const Theatre& theatre) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& insert = db.statement(kInsertTheatre);
    insert.run({theatre.name, theatre.location, theatre.timezone});
    Theatre created = theatre;
    created.id = insert.insert_id();
    Statement& row = db.statement(kInsertRow);
    int64_t position = 0;
    for (const TheatreRow& r : theatre.rows) row.run({created.id, ++position, r.name, r.seats});
    append_audit(db, actor, "theatre.create", "theatre:" + std::to_string(created.id),
                 "\"" + created.name + "\", " + std::to_string(created.rows.size()) + " rows, " +
                     std::to_string(created.capacity()) + " seats, " + created.timezone);
    tx.commit();
    return created;
  });
}

std::vector<Theatre> list_theatres(Connection& db) {
  Statement& q = db.statement(kListTheatres);
  q.run({});
  std::vector<Theatre> theatres;
  std::map<int64_t, size_t> index;
  while (q.next()) {
    index[q.int64(0)] = theatres.size();
    theatres.push_back({q.int64(0), q.text(1), q.text(2), q.text(3), {}});
  }
  Statement& rows = db.statement(kListRows);
  rows.run({});
  while (rows.next()) {
    auto it = index.find(rows.int64(0));
    if (it != index.end()) theatres[it->second].rows.push_back({rows.text(1), rows.int64(2)});
  }
  return theatres;
}

}  // namespace seats
