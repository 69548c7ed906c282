#include "support/queue.hpp"

#include <algorithm>

#include "support/assertions.hpp"

namespace seats_test {

namespace {
// Where the service keeps the places (sql/migrations/0007_*).
const char* const kQueueTable = "queue_entries";
}  // namespace

const std::set<std::string> kPlaceKeys = {"status", "position", "admit_at", "admitted_until"};

std::string QueuePath(std::int64_t show_id) { return "/api/v1/shows/" + Str(show_id) + "/queue"; }

Response JoinQueue(Client& c, const User& u, std::int64_t show_id) {
  return c.post(QueuePath(show_id), Auth(u.token));
}

Response GetPlace(Client& c, const User& u, std::int64_t show_id) {
  return c.get(QueuePath(show_id), Auth(u.token));
}

Json OnSale(TimePoint on_sale_at, int queue_rate) {
  return Json::object().set("on_sale_at", FormatTime(on_sale_at)).set("queue_rate", queue_rate);
}

::testing::AssertionResult IsPlace(const Response& r, const std::string& status) {
  auto result = IsJson(r, 200);
  if (!result) return result;
  result = HasExactKeys(r.json, kPlaceKeys);
  if (!result) return result;
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << "expected a place " << status << ": " << what << "\n  " << r.describe();
  };
  if (r.json["status"].string() != status) return fail("wrong status");
  const bool placed = status != "PRE_QUEUE";
  if (placed != r.json["position"].is_integer() || (placed && r.json["position"].integer() < 1)) {
    return fail(placed ? "position is not a positive integer" : "position is not null");
  }
  for (const char* time : {"admit_at", "admitted_until"}) {
    const Json t = r.json[time];
    if (placed ? !IsRfc3339Utc(t.string()) : !t.is_null()) {
      return fail(std::string(time) + (placed ? " is not RFC 3339 UTC" : " is not null"));
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult AreOneToN(std::vector<std::int64_t> positions) {
  std::sort(positions.begin(), positions.end());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] != static_cast<std::int64_t>(i + 1)) {
      std::string all;
      for (auto p : positions) all += " " + Str(p);
      return ::testing::AssertionFailure()
             << "positions are not 1.." << positions.size() << ": sorted," << all;
    }
  }
  return ::testing::AssertionSuccess();
}

std::int64_t QueueRows(Db& db, std::int64_t show_id, std::int64_t user_id) {
  std::string sql =
      std::string("SELECT COUNT(*) FROM ") + kQueueTable + " WHERE show_id = " + Str(show_id);
  if (user_id != 0) sql += " AND user_id = " + Str(user_id);
  return db.integer(sql);
}

}  // namespace seats_test
