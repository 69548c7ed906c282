#include "queue/turn_hint.hpp"

#include <algorithm>
#include <cmath>

#include "db/statement.hpp"

namespace seats {
namespace {

constexpr double kSpreads = 5;
constexpr double kLeadSeconds = 1;
// Further than this from the sale, come back before it rather than at one's turn.
constexpr double kRevisitBeyondSeconds = 60;
constexpr double kRevisitLatestSeconds = 20;  // before the sale
constexpr double kRevisitSpreadSeconds = 20;
// Shows whose crowd a worker remembers; past this it forgets them all (a sale's minutes
// have a handful).
constexpr std::size_t kMaxShows = 256;

constexpr const char* kCrowd =
    "SELECT TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), s.on_sale_at), s.queue_rate, "
    "  (SELECT COUNT(*) FROM queue_entries e WHERE e.show_id = s.id AND e.position IS NULL) "
    "FROM shows s WHERE s.id = ?";

}  // namespace

int64_t ask_again_after_s(double until_sale_s, int64_t queue_rate, int64_t joined,
                          double quantile) {
  double rate = static_cast<double>(std::max<int64_t>(queue_rate, 1));
  double others = static_cast<double>(std::max<int64_t>(joined - 1, 0));
  double q = std::clamp(quantile, 0.0, 1.0);
  double ahead = q * others;
  double spread = std::sqrt(others * q * (1 - q));
  double early_by = kSpreads * spread + rate * kLeadSeconds;
  if (until_sale_s > kRevisitBeyondSeconds) {
    // Spread by the draw, which the caller cannot choose, so the revisits do not bunch.
    return static_cast<int64_t>(
        std::floor(until_sale_s - kRevisitLatestSeconds - kRevisitSpreadSeconds * q));
  }
  // Rounded down, but never to before the sale: an answer then would still be PRE_QUEUE.
  double after_sale = std::max(0.0, ahead - early_by) / rate;
  return static_cast<int64_t>(
      std::max(std::ceil(until_sale_s), std::floor(until_sale_s + after_sale)));
}

std::optional<int64_t> TurnHints::ask_again_after_s(Connection& db, int64_t show_id,
                                                    uint64_t draw) {
  Clock::time_point now = Clock::now();
  auto found = crowds_.find(show_id);
  if (found == crowds_.end() || now - found->second.read_at > max_age_) {
    Statement& crowd = db.statement(kCrowd);
    crowd.run({show_id});
    if (!crowd.next() || crowd.is_null(0)) return std::nullopt;
    if (crowds_.size() >= kMaxShows) crowds_.clear();
    found =
        crowds_
            .insert_or_assign(show_id, Crowd{now, crowd.int64(0), crowd.int64(1), crowd.int64(2)})
            .first;
  }
  const Crowd& c = found->second;
  double until_sale_s = static_cast<double>(c.until_sale_us) / 1e6 -
                        std::chrono::duration<double>(now - c.read_at).count();
  if (c.queue_rate <= 0 || until_sale_s <= 0) return std::nullopt;
  // The draw is 63 random bits (waiting_room.cpp).
  double quantile = static_cast<double>(draw) / 9223372036854775808.0;
  return seats::ask_again_after_s(until_sale_s, c.queue_rate, c.joined, quantile);
}

}  // namespace seats
