#include "seats/holds.hpp"

#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "http/rfc3339.hpp"
#include "queue/admission.hpp"
#include "queue/waiting_room.hpp"
#include "seats/expiry.hpp"
#include "users/accounts.hpp"

namespace seats {
namespace {

// Lock order, everywhere in the service: the user's row, then seat rows by ascending id.
// Locking the user first serialises one user's parallel hold requests, so the hold limit
// below counts every hold they have committed (PITFALLS: counting without it lets a burst
// of parallel requests all see the same count and all pass).
constexpr const char* kLockUser = "SELECT id FROM users WHERE id = ? FOR UPDATE";

// Microseconds until the show starts; it has started when that is not positive. Against
// UTC_TIMESTAMP(6), so that the moment it reaches 0 is the start to the microsecond.
#define SEATS_SHOW_STARTS_IN                                                                    \
  "(SELECT TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), start_time) FROM shows WHERE shows.id " \
  "= seat.show_id)"

// Whether the show can be sold right now, besides its start, in one read of its row: NULL
// once it is cancelled, "" when it is on sale, else the time it goes on sale.
#define SEATS_SHOW_SALE_STATE                                                                  \
  "(SELECT IF(status = 'CANCELLED', NULL, IF(on_sale_at > UTC_TIMESTAMP(6), on_sale_at, '')) " \
  "FROM shows WHERE shows.id = seat.show_id)"

// The design's row lock. No other transaction can change (or lock) this seat until we
// commit. The new deadline is computed here, by the database clock. The same round trip
// also reads the show's state (cancelled, started, on sale yet) and how many live holds
// the caller has in it: under READ COMMITTED those subqueries are plain reads of the
// latest committed rows, read after the row lock is granted (they lock nothing, so holds
// on one show never queue on the show's row), and no new hold of the caller's can commit
// meanwhile, since those queue on the user row we hold. A cancellation locks every seat
// of its show, so it either waits for this hold (and drops it) or this read sees it. On a
// show with a waiting room, the caller's admission is read the same way (their queue entry
// changes only when the queue is sealed, and that happens before any admission).
constexpr const char* kLockSeat =
    "SELECT seat.show_id, seat.status = 'SOLD', " SEATS_LIVE_HOLD
    ", seat.user_id, seat.hold_expires_at, NOW(6) + INTERVAL ? SECOND, " SEATS_SHOW_STARTS_IN
    ", (SELECT COUNT(*) FROM show_seats mine "
    "   WHERE mine.user_id = ? AND mine.show_id = seat.show_id AND " SEATS_LIVE_HOLD
    "), " SEATS_HOLD_TIME_LEFT ", " SEATS_SHOW_SALE_STATE ", " SEATS_ADMISSION
    " FROM show_seats seat WHERE seat.id = ? FOR UPDATE";

constexpr const char* kTakeSeat =
    "UPDATE show_seats SET status = 'LOCKED', user_id = ?, locked_at = NOW(6), "
    "  hold_expires_at = ? WHERE id = ?";

// The caller's existence rides along with the row lock instead of costing a round trip.
constexpr const char* kLockSeatForRelease =
    "SELECT seat.status = 'SOLD', " SEATS_LIVE_HOLD
    ", seat.user_id, EXISTS (SELECT 1 FROM users WHERE id = ?), seat.show_id, " SEATS_HOLD_TIME_LEFT
    ", " SEATS_SHOW_STARTS_IN ", " SEATS_SHOW_SALE_STATE
    " IS NULL"
    " FROM show_seats seat WHERE seat.id = ? FOR UPDATE";

constexpr const char* kFreeSeat =
    "UPDATE show_seats SET status = 'AVAILABLE', user_id = NULL, locked_at = NULL, "
    "  hold_expires_at = NULL WHERE id = ? AND status = 'LOCKED'";

}  // namespace

void refuse_taken_seat(bool releasing, bool sold) {
  throw ApiError(releasing ? Err::NotLockHolder : Err::SeatUnavailable,
                 sold ? "This seat is sold" : "This seat is held by another customer");
}

Hold lock_seat(Connection& db, const Settings& settings, int64_t user_id, int64_t seat_id,
               SeatSeen* seen) {
  // Once at most: the caller joined before the sale and nobody has sealed the queue since.
  int64_t unsealed_show = 0;
  for (;;) {
    std::optional<Hold> hold = with_retry(db, [&]() -> std::optional<Hold> {
      Transaction tx(db);
      Statement& user = db.statement(kLockUser);
      user.run({user_id});
      if (!user.next()) throw ApiError(Err::Unauthorized, "The token's user no longer exists");

      Statement& seat = db.statement(kLockSeat);
      seat.run({int64_t{settings.hold_seconds}, user_id, int64_t{settings.admission_seconds},
                user_id, seat_id});
      if (!seat.next()) throw ApiError(Err::SeatNotFound, "No seat has this id");
      int64_t show_id = seat.int64(0);
      bool sold = seat.flag(1);
      bool held = seat.flag(2);
      int64_t holder = seat.is_null(3) ? 0 : seat.int64(3);  // 0: that user is gone
      bool held_by_me = held && holder == user_id;
      std::string current_deadline = seat.text(4);
      std::string new_deadline = seat.text(5);
      int64_t starts_in_us = seat.int64(6);
      bool show_started = starts_in_us <= 0;
      int64_t my_live_holds = seat.int64(7);
      bool cancelled = seat.is_null(9);
      std::string on_sale_at = seat.text(9);                           // "" once on sale
      std::string admission = seat.is_null(10) ? "A" : seat.text(10);  // no queue: admitted
      if (seen) *seen = {show_id, sold, held, holder, held ? seat.int64(8) : 0, starts_in_us};

      if (cancelled) throw ApiError(Err::ShowCancelled, "This show has been cancelled");
      if (show_started) throw ApiError(Err::ShowStarted, "This show has already started");
      if (!on_sale_at.empty()) {
        throw ApiError(Err::NotOnSale, "This show goes on sale at " + rfc3339(on_sale_at));
      }
      if (admission == "U" && unsealed_show == 0) {
        unsealed_show = show_id;
        return std::nullopt;  // rolled back; sealed below, then asked again
      }
      if (admission != "A") {
        throw ApiError(Err::NotAdmitted, not_admitted_detail(db, settings, user_id, show_id));
      }
      if (held_by_me) return Hold{seat_id, show_id, current_deadline, false};
      if (sold || held) refuse_taken_seat(/*releasing=*/false, sold);
      if (my_live_holds >= settings.max_holds_per_show) {
        throw ApiError(Err::HoldLimitReached, "You already hold " +
                                                  std::to_string(settings.max_holds_per_show) +
                                                  " seats for this show");
      }

      db.statement(kTakeSeat).run({user_id, new_deadline, seat_id});
      tx.commit();
      return Hold{seat_id, show_id, new_deadline, true};
    });
    if (hold) return *hold;
    seal_queue(db, unsealed_show);
  }
}

Release release_seat(Connection& db, int64_t user_id, int64_t seat_id, SeatSeen* seen) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& seat = db.statement(kLockSeatForRelease);
    seat.run({user_id, seat_id});
    bool found = seat.next();
    if (!found || !seat.flag(3)) {
      // A caller who is gone hears 401 before anything about the seat.
      if (!found && user_exists(db, user_id)) {
        throw ApiError(Err::SeatNotFound, "No seat has this id");
      }
      throw ApiError(Err::Unauthorized, "The token's user no longer exists");
    }
    bool sold = seat.flag(0);
    bool held = seat.flag(1);
    int64_t holder = seat.is_null(2) ? 0 : seat.int64(2);  // 0: nobody, or that user is gone
    bool mine = holder == user_id;
    int64_t show_id = seat.int64(4);
    if (seen) *seen = {show_id, sold, held, holder, held ? seat.int64(5) : 0, seat.int64(6)};
    if (seat.flag(7)) throw ApiError(Err::ShowCancelled, "This show has been cancelled");
    if (sold || (held && !mine)) refuse_taken_seat(/*releasing=*/true, sold);
    // Our own hold, live or lapsed, or a lapsed hold of someone else: free it now rather
    // than leave a stale row for the next reader.
    bool freed = false;
    if (mine || !held) freed = db.statement(kFreeSeat).run({seat_id}).affected_rows() > 0;
    tx.commit();
    return Release{show_id, freed};
  });
}

}  // namespace seats
