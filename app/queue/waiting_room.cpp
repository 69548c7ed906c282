#include "queue/waiting_room.hpp"

#include <sys/random.h>

#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "http/rfc3339.hpp"
#include "queue/admission.hpp"

namespace seats {
namespace {

// The show as the queue needs it, in one plain read (it locks nothing: bookings and the
// show's cancellation own its row). NULL on_sale_in_us cannot happen (on_sale_at is NOT NULL).
constexpr const char* kShow =
    "SELECT status = 'CANCELLED', queue_rate, start_time <= UTC_TIMESTAMP(6), "
    "  TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), on_sale_at), on_sale_at "
    "FROM shows WHERE id = ?";

// The caller's place, with the times it implies (parameters: ADMISSION_SECONDS twice, show,
// user): position, admit_at, admitted_until, admitted yet, admission over, and last whether
// the sale has begun. A macro of string literals, so that both reads stay constants.
// clang-format off
#define SEATS_PLACE_READ(more_columns, more_conditions) \
  "SELECT e.position, " SEATS_ADMIT_AT("e", "s") ", " SEATS_ADMITTED_UNTIL("e", "s") \
  ", UTC_TIMESTAMP(6) >= " SEATS_ADMIT_AT("e", "s") \
  ", UTC_TIMESTAMP(6) >= " SEATS_ADMITTED_UNTIL("e", "s") more_columns \
  " FROM queue_entries e JOIN shows s ON s.id = e.show_id" \
  " WHERE e.show_id = ? AND e.user_id = ?" more_conditions
// clang-format on
constexpr const char* kPlace = SEATS_PLACE_READ(", s.on_sale_at <= UTC_TIMESTAMP(6), e.draw", "");
// Only a place with a position, on a show not cancelled: the fast path's whole answer.
constexpr const char* kPlacedFast =
    SEATS_PLACE_READ("", " AND e.position IS NOT NULL AND s.status <> 'CANCELLED'");

// The whole of an early join in one statement, the common case of an on-sale's first
// minutes: every condition of the slow path (show open for joining, queue not sealed, sale
// not begun) checked under the same share lock of the queue's row that join_early takes,
// and the user's existence by the foreign key. Nothing inserted (already a member, too
// early, no such user, ...): the slow path says why (parameters: user, draw, show,
// QUEUE_OPENS_BEFORE).
constexpr const char* kJoinEarlyFast =
    "INSERT IGNORE INTO queue_entries (show_id, user_id, joined_at, draw) "
    "SELECT q.show_id, ?, UTC_TIMESTAMP(6), ? FROM show_queues q JOIN shows s ON s.id = q.show_id "
    "WHERE q.show_id = ? AND q.sealed_at IS NULL AND s.status <> 'CANCELLED' AND s.queue_rate > 0 "
    "  AND s.start_time > UTC_TIMESTAMP(6) AND s.on_sale_at > UTC_TIMESTAMP(6) "
    "  AND s.on_sale_at <= UTC_TIMESTAMP(6) + INTERVAL ? SECOND "
    "LOCK IN SHARE MODE";

constexpr const char* kMakeQueue = "INSERT IGNORE INTO show_queues (show_id) VALUES (?)";
// Joins before the sale take the queue's row in share mode: any number of them at once,
// but none while the queue is being sealed (which takes it exclusively), so that every
// early joiner is either in the seal's draw or sees it sealed and joins after it.
constexpr const char* kShareQueue =
    "SELECT sealed_at IS NOT NULL FROM show_queues WHERE show_id = ? LOCK IN SHARE MODE";
constexpr const char* kLockQueue =
    "SELECT sealed_at IS NOT NULL, next_position FROM show_queues WHERE show_id = ? FOR UPDATE";
// Read again under the queue's lock: the sale may have begun while we waited for it.
constexpr const char* kBeforeSale = "SELECT on_sale_at > UTC_TIMESTAMP(6) FROM shows WHERE id = ?";
constexpr const char* kJoinEarly =
    "INSERT IGNORE INTO queue_entries (show_id, user_id, joined_at, draw) "
    "VALUES (?, ?, UTC_TIMESTAMP(6), ?)";
constexpr const char* kJoinLate =
    "INSERT INTO queue_entries (show_id, user_id, joined_at, draw, position) "
    "VALUES (?, ?, UTC_TIMESTAMP(6), 0, ?)";
constexpr const char* kTakePosition =
    "UPDATE show_queues SET next_position = next_position + 1 WHERE show_id = ?";
constexpr const char* kIsMember = "SELECT 1 FROM queue_entries WHERE show_id = ? AND user_id = ?";
// The draws, in order, become positions 1..n; the derived table is materialised first (a
// window function cannot be merged into the UPDATE).
constexpr const char* kSealPositions =
    "UPDATE queue_entries e JOIN (SELECT user_id, ROW_NUMBER() OVER (ORDER BY draw, user_id) AS p "
    "  FROM queue_entries WHERE show_id = ? AND position IS NULL) drawn ON drawn.user_id = "
    "e.user_id "
    "SET e.position = drawn.p WHERE e.show_id = ?";
constexpr const char* kSealQueue =
    "UPDATE show_queues SET sealed_at = UTC_TIMESTAMP(6), "
    "  next_position = (SELECT COUNT(*) + 1 FROM queue_entries WHERE show_id = ?) WHERE show_id = "
    "?";

struct ShowState {
  bool cancelled;
  int64_t queue_rate;
  bool started;
  int64_t on_sale_in_us;  // > 0: the sale has not begun
  std::string on_sale_at;
};

ShowState read_show(Connection& db, int64_t show_id) {
  Statement& show = db.statement(kShow);
  show.run({show_id});
  if (!show.next() || show.flag(0)) throw ApiError(Err::ShowNotFound, "No show has this id");
  return {false, show.int64(1), show.flag(2), show.int64(3), show.text(4)};
}

// The draw that orders those who join before the sale: the kernel's randomness, so that no
// client can predict or improve its place. 63 bits, to stay a positive BIGINT.
int64_t random_draw() {
  uint64_t bits = 0;
  if (getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
    throw std::runtime_error("getrandom failed");
  }
  return static_cast<int64_t>(bits >> 1);
}

// Seals inside the caller's transaction, which holds the queue's row exclusively.
void seal_locked(Connection& db, int64_t show_id) {
  db.statement(kSealPositions).run({show_id, show_id});
  db.statement(kSealQueue).run({show_id, show_id});
}

// Joined before the sale: no position until the queue is sealed at on_sale_at.
QueuePlace pre_queue(int64_t draw) {
  return QueuePlace{"PRE_QUEUE", std::nullopt, {}, {}, static_cast<uint64_t>(draw)};
}

// A row of SEATS_PLACE_READ with a position.
QueuePlace placed(Statement& place) {
  const char* status = place.flag(4) ? "EXPIRED" : place.flag(3) ? "ADMITTED" : "WAITING";
  return QueuePlace{status, place.int64(0), place.text(1), place.text(2), std::nullopt};
}

std::optional<QueuePlace> read_place(Connection& db, const Settings& settings, int64_t user_id,
                                     int64_t show_id) {
  Statement& place = db.statement(kPlace);
  int64_t window = settings.admission_seconds;
  place.run({window, window, show_id, user_id});
  if (!place.next()) return std::nullopt;
  if (place.is_null(0)) {
    // Joined before the sale; the order is fixed when the sale begins.
    if (!place.flag(5)) return pre_queue(place.int64(6));
    return std::nullopt;  // due, but not sealed yet
  }
  return placed(place);
}

bool is_member(Connection& db, int64_t show_id, int64_t user_id) {
  Statement& member = db.statement(kIsMember);
  member.run({show_id, user_id});
  return member.next();
}

void check_can_join(const Settings& settings, const ShowState& show) {
  if (show.queue_rate == 0) {
    throw ApiError(Err::QueueNotOpen, "This show has no waiting room: seats can be held directly");
  }
  if (show.started) throw ApiError(Err::ShowStarted, "This show has already started");
  if (show.on_sale_in_us > int64_t{settings.queue_opens_before_seconds} * 1000000) {
    throw ApiError(Err::QueueNotOpen,
                   "The queue opens " + std::to_string(settings.queue_opens_before_seconds) +
                       " seconds before the sale at " + rfc3339(show.on_sale_at));
  }
}

// A join before the sale: a draw, no position yet. nullopt when the sale began meanwhile.
std::optional<QueuePlace> join_early(Connection& db, int64_t user_id, int64_t show_id) {
  Transaction tx(db);
  Statement& queue = db.statement(kShareQueue);
  queue.run({show_id});
  if (!queue.next()) {
    db.statement(kMakeQueue).run({show_id});
    queue.run({show_id});
    queue.next();
  }
  if (queue.flag(0)) return std::nullopt;
  Statement& before = db.statement(kBeforeSale);
  before.run({show_id});
  if (!before.next() || !before.flag(0)) return std::nullopt;
  int64_t draw = random_draw();
  db.statement(kJoinEarly).run({show_id, user_id, draw});
  tx.commit();
  return pre_queue(draw);
}

// A join (or a read) once the sale has begun: seals the queue if nobody has yet, then
// gives a newcomer the next position. join=false only seals.
void join_late(Connection& db, int64_t user_id, int64_t show_id, bool join) {
  Transaction tx(db);
  // The lock first and the row only when missing: INSERT IGNORE of an existing row takes a
  // share lock, and two joiners each holding one and waiting for FOR UPDATE deadlock.
  Statement& queue = db.statement(kLockQueue);
  queue.run({show_id});
  if (!queue.next()) {
    db.statement(kMakeQueue).run({show_id});
    queue.run({show_id});
    queue.next();
  }
  bool sealed = queue.flag(0);
  int64_t next_position = queue.int64(1);
  if (!sealed) seal_locked(db, show_id);
  if (join && !is_member(db, show_id, user_id)) {
    if (!sealed) {
      queue.run({show_id});
      queue.next();
      next_position = queue.int64(1);
    }
    db.statement(kJoinLate).run({show_id, user_id, next_position});
    db.statement(kTakePosition).run({show_id});
  }
  tx.commit();
}

}  // namespace

std::optional<QueuePlace> join_queue_fast(Connection& db, const Settings& settings, int64_t user_id,
                                          int64_t show_id) {
  return with_retry(db, [&]() -> std::optional<QueuePlace> {
    Statement& join = db.statement(kJoinEarlyFast);
    int64_t draw = random_draw();
    join.run({user_id, draw, show_id, int64_t{settings.queue_opens_before_seconds}});
    if (join.affected_rows() == 0) return std::nullopt;
    return pre_queue(draw);
  });
}

std::optional<QueuePlace> queue_place_fast(Connection& db, const Settings& settings,
                                           int64_t user_id, int64_t show_id) {
  return with_retry(db, [&]() -> std::optional<QueuePlace> {
    Statement& place = db.statement(kPlacedFast);
    int64_t window = settings.admission_seconds;
    place.run({window, window, show_id, user_id});
    if (!place.next()) return std::nullopt;
    return placed(place);
  });
}

void make_queue(Connection& db, int64_t show_id) { db.statement(kMakeQueue).run({show_id}); }

QueuePlace join_queue(Connection& db, const Settings& settings, int64_t user_id, int64_t show_id) {
  return with_retry(db, [&] {
    ShowState show = read_show(db, show_id);
    check_can_join(settings, show);
    if (auto place = read_place(db, settings, user_id, show_id)) return *place;
    if (show.on_sale_in_us > 0) {
      if (auto place = join_early(db, user_id, show_id)) return *place;
    }
    join_late(db, user_id, show_id, /*join=*/true);
    auto place = read_place(db, settings, user_id, show_id);
    if (!place) throw std::runtime_error("queue place missing after join");
    return *place;
  });
}

QueuePlace queue_place(Connection& db, const Settings& settings, int64_t user_id, int64_t show_id) {
  return with_retry(db, [&] {
    read_show(db, show_id);
    if (auto place = read_place(db, settings, user_id, show_id)) return *place;
    if (!is_member(db, show_id, user_id)) {
      throw ApiError(Err::NotInQueue, "You have not joined this show's queue");
    }
    join_late(db, user_id, show_id, /*join=*/false);
    auto place = read_place(db, settings, user_id, show_id);
    if (!place) throw std::runtime_error("queue place missing after seal");
    return *place;
  });
}

void seal_queue(Connection& db, int64_t show_id) {
  with_retry(db, [&] {
    Statement& before = db.statement(kBeforeSale);
    before.run({show_id});
    if (!before.next() || before.flag(0)) return;
    join_late(db, 0, show_id, /*join=*/false);
  });
}

std::string not_admitted_detail(Connection& db, const Settings& settings, int64_t user_id,
                                int64_t show_id) {
  auto place = read_place(db, settings, user_id, show_id);
  if (!place) return "Join the queue for this show first";
  std::string position = place->position ? std::to_string(*place->position) : "?";
  if (std::string(place->status) == "EXPIRED") {
    return "Your admission (number " + position + " in the queue) ended at " +
           rfc3339(place->admitted_until);
  }
  if (!place->position) return "The queue's order is fixed when the sale begins";
  return "You are number " + position + " in the queue; your turn comes at " +
         rfc3339(place->admit_at);
}

}  // namespace seats
