#pragma once

// The one definition of "a seat is held right now": LOCKED with a deadline that the
// database clock has not reached. Everything that reads or changes holds uses this
// fragment, so no two app hosts (or two queries) can disagree about expiry. A LOCKED
// row past its deadline is simply free: that is the lazy expiry of the design, with no
// cleanup job. (A macro so it can be pasted into SQL string literals at compile time.)
#define SEATS_LIVE_HOLD "(status = 'LOCKED' AND hold_expires_at > NOW(6))"
// How long a hold has left, in microseconds by the same clock (negative once lapsed): for
// the memories that must forget a hold when it lapses (seat map copies, refusals).
#define SEATS_HOLD_TIME_LEFT "TIMESTAMPDIFF(MICROSECOND, NOW(6), hold_expires_at)"
