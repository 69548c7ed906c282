#pragma once

// SQL pieces of the waiting room (API.md Part 2, "On-sale") shared by the queue itself
// (queue/waiting_room.cpp) and the hold transaction (seats/holds.cpp), so that the answer a
// caller reads and the check a hold makes can never disagree.

// Macros of string literals, laid out by hand so the SQL reads as SQL.
// clang-format off

// When queue entry `e` of show `s` is admitted: on_sale_at + (position - 1) / queue_rate
// seconds, to the microsecond.
#define SEATS_ADMIT_AT(e, s) \
  "TIMESTAMPADD(MICROSECOND, (" e ".position - 1) * 1000000 DIV " s ".queue_rate, " \
  s ".on_sale_at)"
// ... and until when (one parameter: ADMISSION_SECONDS).
#define SEATS_ADMITTED_UNTIL(e, s) \
  "TIMESTAMPADD(MICROSECOND, (" e ".position - 1) * 1000000 DIV " s ".queue_rate" \
  " + ? * 1000000, " s ".on_sale_at)"

// The caller's admission to the show of seat row `seat`, for a hold (two parameters:
// ADMISSION_SECONDS, then the user id): NULL when the show has no queue, else one letter:
// 'A' admitted now, 'W' still waiting, 'E' admission over, 'N' never joined, 'U' joined
// before the sale but the queue's order is not fixed yet (it must be sealed first).
#define SEATS_ADMISSION \
  "(SELECT IF(s.queue_rate = 0, NULL, IFNULL((SELECT CASE" \
  "  WHEN e.position IS NULL THEN 'U'" \
  "  WHEN UTC_TIMESTAMP(6) < " SEATS_ADMIT_AT("e", "s") " THEN 'W'" \
  "  WHEN UTC_TIMESTAMP(6) < " SEATS_ADMITTED_UNTIL("e", "s") " THEN 'A'" \
  "  ELSE 'E' END" \
  "  FROM queue_entries e WHERE e.show_id = s.id AND e.user_id = ?), 'N'))" \
  " FROM shows s WHERE s.id = seat.show_id)"

// clang-format on
