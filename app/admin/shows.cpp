#include "admin/shows.hpp"

#include "admin/audit.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "http/rfc3339.hpp"
#include "mail/outbox.hpp"
#include "queue/waiting_room.hpp"
#include "seats/expiry.hpp"

namespace seats {
namespace {

constexpr const char* kCheckTimes =
    "SELECT CAST(? AS DATETIME) > UTC_TIMESTAMP(), "
    "  COALESCE(CAST(? AS DATETIME(6)), UTC_TIMESTAMP(6)) <= CAST(? AS DATETIME), "
    "  (SELECT duration_mins FROM movies WHERE id = ?), (SELECT title FROM movies WHERE id = ?)";
// Shows are added to a theatre one at a time, so that two overlapping ones made at the same
// moment cannot both pass the overlap check.
constexpr const char* kLockTheatre = "SELECT name FROM theatres WHERE id = ? FOR UPDATE";
// [start, start + duration) against each live show's own interval; touching ends are fine.
// Written with the durations subtracted from the other side, since an end past
// 9999-12-31 would be NULL and a NULL comparison would let any show through.
constexpr const char* kOverlapping =
    "SELECT s.id, s.start_time FROM shows s JOIN movies m ON m.id = s.movie_id "
    "WHERE s.theatre_id = ? AND s.status <> 'CANCELLED' "
    "  AND s.start_time - INTERVAL ? MINUTE < CAST(? AS DATETIME) "
    "  AND s.start_time > CAST(? AS DATETIME) - INTERVAL m.duration_mins MINUTE "
    "ORDER BY s.start_time LIMIT 1";
constexpr const char* kInsertShow =
    "INSERT INTO shows (movie_id, theatre_id, start_time, price_cents, on_sale_at, queue_rate) "
    "VALUES (?, ?, ?, ?, COALESCE(?, NOW(6)), ?)";
// Ids grow in grid order, which is also the order bookings and cancellations lock seats in.
constexpr const char* kMakeSeats =
    "INSERT INTO show_seats (show_id, seat_row, row_position, seat_number) "
    "WITH RECURSIVE n (seat_number) AS "
    "  (SELECT 1 UNION ALL SELECT seat_number + 1 FROM n WHERE seat_number < 50) "
    "SELECT ?, tr.row_name, tr.position, n.seat_number "
    "FROM theatre_rows tr JOIN n ON n.seat_number <= tr.seats WHERE tr.theatre_id = ? "
    "ORDER BY tr.position, n.seat_number";

// The lock order of a cancellation: the show's confirmed bookings (the order a customer's
// own cancellation takes them in: booking, then seats), then every seat of the show by
// ascending id (the order bookings take them in), then the show's row. A booking or hold
// still running holds some of those seats, so the cancellation waits for it to commit and
// then cancels it with the rest; anything that locks a seat after the commit reads the
// show as cancelled. Under READ COMMITTED the updates below read the latest committed rows,
// so a booking that committed while we waited is among them.
constexpr const char* kShowState = "SELECT status = 'CANCELLED' FROM shows WHERE id = ?";
constexpr const char* kLockBookings =
    "SELECT id FROM bookings WHERE show_id = ? AND status = 'CONFIRMED' ORDER BY id FOR UPDATE";
constexpr const char* kLockSeats =
    "SELECT id FROM show_seats FORCE INDEX (ix_show_seats_show) WHERE show_id = ? ORDER BY id "
    "FOR UPDATE";
constexpr const char* kCancel =
    "UPDATE shows SET status = 'CANCELLED', cancelled_at = NOW(6) "
    "WHERE id = ? AND status = 'ON_SALE'";
constexpr const char* kFreeSeats =
    "UPDATE show_seats SET status = 'AVAILABLE', user_id = NULL, locked_at = NULL, "
    "  hold_expires_at = NULL WHERE show_id = ? AND status <> 'AVAILABLE'";
constexpr const char* kUnsell =
    "UPDATE booking_seats bs JOIN bookings b ON b.id = bs.booking_id SET bs.sold = NULL "
    "WHERE b.show_id = ? AND b.status = 'CONFIRMED'";
constexpr const char* kCancelBookings =
    "UPDATE bookings SET status = 'CANCELLED', cancelled_at = NOW(6) "
    "WHERE show_id = ? AND status = 'CONFIRMED'";

// One statement, so one read view under READ COMMITTED: the counts agree with each other.
constexpr const char* kReport =
    "SELECT s.status = 'CANCELLED', "
    "  (SELECT COUNT(*) FROM show_seats WHERE show_id = s.id), "
    "  (SELECT COUNT(*) FROM show_seats WHERE show_id = s.id AND " SEATS_LIVE_HOLD
    "), "
    "  (SELECT COUNT(*) FROM show_seats WHERE show_id = s.id AND status = 'SOLD'), "
    "  (SELECT COUNT(*) FROM bookings WHERE show_id = s.id AND status = 'CONFIRMED'), "
    "  (SELECT COUNT(*) FROM bookings WHERE show_id = s.id AND status = 'CANCELLED'), "
    "  (SELECT COUNT(*) FROM bookings "
    "   WHERE show_id = s.id AND status = 'CONFIRMED' AND checked_in_at IS NOT NULL), "
    "  (SELECT COALESCE(SUM(total_cents), 0) FROM bookings "
    "   WHERE show_id = s.id AND status = 'CONFIRMED') "
    "FROM shows s WHERE s.id = ?";

}  // namespace

int64_t create_show(Connection& db, int64_t actor, const NewShow& show,
                    const std::string& currency) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Param on_sale_at = nullptr;
    if (show.on_sale_at) on_sale_at = std::string_view(*show.on_sale_at);
    Statement& check = db.statement(kCheckTimes);
    check.run({show.start_time, on_sale_at, show.start_time, show.movie_id, show.movie_id});
    check.next();
    if (!check.flag(0)) throw ApiError(Err::ValidationFailed, "time must be in the future");
    if (!check.flag(1)) throw ApiError(Err::ValidationFailed, "on_sale_at must not be after time");
    if (check.is_null(2)) throw ApiError(Err::MovieNotFound, "No movie has this id");
    int64_t duration_mins = check.int64(2);
    std::string title = check.text(3);

    Statement& theatre = db.statement(kLockTheatre);
    theatre.run({show.theatre_id});
    if (!theatre.next()) throw ApiError(Err::TheatreNotFound, "No theatre has this id");
    std::string theatre_name = theatre.text(0);

    Statement& overlap = db.statement(kOverlapping);
    overlap.run({show.theatre_id, duration_mins, show.start_time, show.start_time});
    if (overlap.next()) {
      throw ApiError(Err::ShowOverlaps, "Show " + std::to_string(overlap.int64(0)) +
                                            " in this theatre starts at " +
                                            rfc3339(overlap.text(1)) + " and overlaps this one");
    }

    Statement& insert = db.statement(kInsertShow);
    insert.run({show.movie_id, show.theatre_id, show.start_time, show.price_cents, on_sale_at,
                show.queue_rate});
    int64_t show_id = insert.insert_id();
    db.statement(kMakeSeats).run({show_id, show.theatre_id});
    if (show.queue_rate > 0) make_queue(db, show_id);
    append_audit(db, actor, "show.create", "show:" + std::to_string(show_id),
                 "\"" + title + "\" in \"" + theatre_name + "\" at " + rfc3339(show.start_time) +
                     ", " + std::to_string(show.price_cents) + " cents " + currency);
    tx.commit();
    return show_id;
  });
}

int64_t cancel_show(Connection& db, int64_t actor, int64_t show_id, Mail mail) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& state = db.statement(kShowState);
    state.run({show_id});
    if (!state.next()) throw ApiError(Err::ShowNotFound, "No show has this id");
    if (state.flag(0)) throw ApiError(Err::ShowCancelled, "This show is already cancelled");

    db.statement(kLockBookings).run({show_id});
    db.statement(kLockSeats).run({show_id});
    // Decided on the row itself: of two cancellations at once, the second finds it done.
    if (db.statement(kCancel).run({show_id}).affected_rows() == 0) {
      throw ApiError(Err::ShowCancelled, "This show is already cancelled");
    }
    db.statement(kFreeSeats).run({show_id});
    db.statement(kUnsell).run({show_id});
    if (mail == Mail::On) enqueue_show_cancellation_mails(db, show_id);
    int64_t cancelled =
        static_cast<int64_t>(db.statement(kCancelBookings).run({show_id}).affected_rows());
    append_audit(db, actor, "show.cancel", "show:" + std::to_string(show_id),
                 std::to_string(cancelled) + " bookings cancelled");
    tx.commit();
    return cancelled;
  });
}

ShowReport show_report(Connection& db, int64_t show_id) {
  Statement& q = db.statement(kReport);
  q.run({show_id});
  if (!q.next()) throw ApiError(Err::ShowNotFound, "No show has this id");
  return {q.flag(0),  q.int64(1), q.int64(2), q.int64(3),
          q.int64(4), q.int64(5), q.int64(6), q.int64(7)};
}

}  // namespace seats
