#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bookings/bookings.hpp"
#include "db/connection.hpp"

namespace seats {

// POST /admin/shows, fields checked for shape already; times as UTC DATETIME text.
struct NewShow {
  int64_t movie_id, theatre_id;
  std::string start_time;
  int64_t price_cents;
  std::optional<std::string> on_sale_at;  // none: on sale from now
  int64_t queue_rate;
};

// Adds the show and its seats (one per row and number of the theatre's layout, in grid
// order) and its audit entry by `actor`, in one transaction. 422 for a start that is not in
// the future or an on-sale time after it, 404 movie_not_found / theatre_not_found, 409
// show_overlaps when a show of the theatre that is not cancelled overlaps it. Returns the
// new show's id.
int64_t create_show(Connection& db, int64_t actor, const NewShow& show,
                    const std::string& currency);

// Cancels the show in one transaction: every confirmed booking becomes CANCELLED (its
// seats unsold; with Mail::On its customer's cancellation mail is written), every hold is
// dropped, and the audit entry is written. Bookings already checked in are cancelled too:
// the show they were for will not run. A booking or hold
// that commits first is cancelled with the rest; one that comes after is refused with
// show_cancelled (see the lock order in the .cpp). 404 show_not_found, 409 show_cancelled
// the second time. Returns how many bookings it cancelled.
int64_t cancel_show(Connection& db, int64_t actor, int64_t show_id, Mail mail);

// A show's sales, all from one snapshot of the database.
struct ShowReport {
  bool cancelled;
  int64_t capacity, held, sold, bookings, cancelled_bookings, checked_in, revenue_cents;
  int64_t available() const { return capacity - held - sold; }
};
// 404 show_not_found for an unknown show.
ShowReport show_report(Connection& db, int64_t show_id);

}  // namespace seats
