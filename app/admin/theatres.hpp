#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace seats {

struct TheatreRow {
  std::string name;  // 1-2 capital letters
  int64_t seats;
};

// A theatre and its layout: rows in the order the operator gave them.
struct Theatre {
  int64_t id;
  std::string name, location, timezone;
  std::vector<TheatreRow> rows;
  int64_t capacity() const;
};

// Adds a theatre (fields checked already; its id is ignored) with its layout and its audit
// entry by `actor`, in one transaction.
Theatre create_theatre(Connection& db, int64_t actor, const Theatre& theatre);

// Every theatre with its layout, by id.
std::vector<Theatre> list_theatres(Connection& db);

}  // namespace seats
