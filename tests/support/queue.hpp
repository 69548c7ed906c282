// The waiting room as the queue suites drive it (API.md Part 2, "On-sale"): joining, reading
// one's place, and shows with an on-sale time and an admission rate.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "support/api.hpp"
#include "support/client.hpp"
#include "support/db.hpp"
#include "support/json.hpp"
#include "support/timeutil.hpp"

namespace seats_test {

std::string QueuePath(std::int64_t show_id);
// The members of every answer about a place in the queue.
extern const std::set<std::string> kPlaceKeys;

Response JoinQueue(Client& c, const User& u, std::int64_t show_id);
Response GetPlace(Client& c, const User& u, std::int64_t show_id);

// The members of a show body (ShowSpec.extra) that put it on sale at on_sale_at, to the
// second, through a waiting room admitting queue_rate callers a second.
Json OnSale(TimePoint on_sale_at, int queue_rate);

// 200 application/json with exactly kPlaceKeys and this status: position, admit_at and
// admitted_until null while PRE_QUEUE, else a position of at least 1 and RFC 3339 UTC times.
::testing::AssertionResult IsPlace(const Response& r, const std::string& status);

// The positions, in any order, are 1..n for n of them: no gaps, no repeats.
::testing::AssertionResult AreOneToN(std::vector<std::int64_t> positions);

// Rows of the waiting room in the database for this show (and this user, when not 0).
std::int64_t QueueRows(Db& db, std::int64_t show_id, std::int64_t user_id = 0);

}  // namespace seats_test
