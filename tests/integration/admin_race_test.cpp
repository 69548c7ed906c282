// Cancelling a show while it sells (issue 13, "Cancelling a show under load"): a hold or a
// booking committing at the same moment as the cancellation either lands before it, and is
// cancelled by it, or is refused with show_cancelled afterwards. Never a confirmed booking
// or a live hold on a cancelled show: checked in the database once everyone has stopped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/tally.hpp"

namespace seats_test {
namespace {

using Clock = std::chrono::steady_clock;

enum class Kind { kGrid, kLock, kRelease, kBook, kCancelBooking };

const char* Name(Kind k) {
  switch (k) {
    case Kind::kGrid:
      return "GET grid";
    case Kind::kLock:
      return "lock";
    case Kind::kRelease:
      return "release";
    case Kind::kBook:
      return "book";
    case Kind::kCancelBooking:
      return "customer cancel";
  }
  return "?";
}

// What each kind of request may answer while the show is being cancelled, and what it must
// answer once the cancel's 200 has arrived.
bool AllowedAround(Kind k, const Response& r) {
  auto problem = [&](long status, const char* code) {
    return static_cast<bool>(IsProblem(r, status, code));
  };
  switch (k) {
    case Kind::kGrid:
      return r.status == 200 || problem(404, "show_not_found");
    case Kind::kLock:
      return r.status == 200 || problem(409, "seat_unavailable") || problem(409, "show_cancelled");
    case Kind::kRelease:
      return r.status == 200 || problem(409, "not_lock_holder") || problem(409, "show_cancelled");
    case Kind::kBook:
      return r.status == 201 || problem(409, "seat_not_held") || problem(409, "show_cancelled");
    case Kind::kCancelBooking:
      return r.status == 200 || problem(409, "booking_not_cancellable");
  }
  return false;
}

bool AllowedAfter(Kind k, const Response& r) {
  switch (k) {
    case Kind::kGrid:
      return static_cast<bool>(IsProblem(r, 404, "show_not_found"));
    case Kind::kCancelBooking:
      return static_cast<bool>(IsProblem(r, 409, "booking_not_cancellable"));
    default:
      return static_cast<bool>(IsProblem(r, 409, "show_cancelled"));
  }
}

struct Sent {
  Kind kind;
  Clock::time_point started;
  Response answer;
};

class CancelRace : public ApiTest {};

TEST_F(CancelRace, ShowCancelledWhileItSellsKeepsNoConfirmedBookingAndNoHold) {
  constexpr int kUsers = 16;
  constexpr int kConfirmedBeforeCancel = 8;  // the cancel waits for this many 201s
  constexpr int kRoundsAfterCancel = 3;      // each user goes on this long after its 200
  const std::vector<Row> rows = {{"A", 10}, {"B", 10}, {"C", 10}, {"D", 10}};
  const User admin = RegisterAdmin(db(), "race.cancel.admin");
  const OwnShow show =
      MustCreateOwnShow(client, db(), admin, "race.cancel", {.rows = rows, .price_cents = 500});
  const auto& seats = show.seat_ids;
  const std::size_t n = seats.size();
  const auto users = RegisterUsers(kUsers, "race.cancel");

  std::atomic<int> confirmed{0};
  std::atomic<Clock::rep> cancel_answered{0};  // when the cancel's 200 arrived; 0: not yet
  const auto give_up = Clock::now() + std::chrono::seconds(60);
  std::mutex mutex;
  std::vector<Sent> sent;
  std::latch ready(kUsers + 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kUsers; ++i) {
    threads.emplace_back([&, i] {
      const User& u = users[static_cast<std::size_t>(i)];
      Client c;
      std::vector<Sent> mine;
      auto send = [&](Kind kind, const std::function<Response()>& fn) {
        const auto started = Clock::now();
        mine.push_back({kind, started, fn()});
        return mine.back().answer;
      };
      ready.arrive_and_wait();
      int rounds_after = 0;
      for (std::size_t k = 0; Clock::now() < give_up; ++k) {
        const Clock::rep done = cancel_answered.load();
        if (done != 0 && Clock::now().time_since_epoch().count() > done &&
            ++rounds_after > kRoundsAfterCancel) {
          break;
        }
        // Neighbouring users want overlapping pairs of seats, and move on each round.
        const std::int64_t a = seats[(2 * static_cast<std::size_t>(i) + 2 * k) % n];
        const std::int64_t b = seats[(2 * static_cast<std::size_t>(i) + 2 * k + 1) % n];
        send(Kind::kGrid, [&] { return c.get(ShowSeatsPath(show.id)); });
        const bool got_a = send(Kind::kLock, [&] { return Lock(c, u, a); }).status == 200;
        const bool got_b = send(Kind::kLock, [&] { return Lock(c, u, b); }).status == 200;
        const Response book = send(Kind::kBook, [&] { return Book(c, u, show.id, {a, b}); });
        if (book.status == 201) {
          ++confirmed;
          // Every other booking is cancelled by its customer, so seats keep coming free.
          if (k % 2 == 0) {
            const std::int64_t id = book.json["booking_id"].integer();
            send(Kind::kCancelBooking, [&] { return Cancel(c, u, id); });
          }
        } else {
          if (got_a) send(Kind::kRelease, [&] { return Release(c, u, a); });
          if (got_b || !got_a) send(Kind::kRelease, [&] { return Release(c, u, b); });
        }
      }
      std::lock_guard<std::mutex> guard(mutex);
      sent.insert(sent.end(), mine.begin(), mine.end());
    });
  }
  ready.arrive_and_wait();
  while (confirmed.load() < kConfirmedBeforeCancel && Clock::now() < give_up) {
    std::this_thread::yield();
  }
  Client admin_client;
  const Response cancel = admin_client.del(AdminShowPath(show.id), Auth(admin.token));
  cancel_answered = Clock::now().time_since_epoch().count();
  for (auto& t : threads) t.join();

  ASSERT_TRUE(IsJson(cancel, 200));
  ASSERT_GE(confirmed.load(), kConfirmedBeforeCancel) << "the race never got going";
  const Clock::time_point answered{Clock::duration(cancel_answered.load())};
  std::map<Kind, Tally> around, after;
  std::set<std::int64_t> booked, cancelled_by_customers;
  for (const Sent& s : sent) {
    const bool later = s.started > answered;
    (later ? after : around)[s.kind].Add(s.answer);
    if (later) {
      EXPECT_TRUE(AllowedAfter(s.kind, s.answer))
          << Name(s.kind) << " sent after the cancel's 200\n  " << s.answer.describe();
    } else {
      EXPECT_TRUE(AllowedAround(s.kind, s.answer)) << Name(s.kind) << "\n  " << s.answer.describe();
    }
    if (s.kind == Kind::kBook && s.answer.status == 201) {
      booked.insert(s.answer.json["booking_id"].integer());
    }
    if (s.kind == Kind::kCancelBooking && s.answer.status == 200) {
      cancelled_by_customers.insert(s.answer.json["booking_id"].integer());
    }
  }
  for (const auto& [kind, tally] : around) {
    RecordProperty(std::string("around ") + Name(kind), tally.Describe());
  }
  int grids_after = 0;
  for (const auto& [kind, count] : after[Kind::kGrid].counts) grids_after += count;
  EXPECT_GE(grids_after, kUsers * kRoundsAfterCancel) << "every user went on after the cancel";

  // The database, once everyone has stopped.
  const std::string id = Str(show.id);
  EXPECT_EQ(
      db().integer("SELECT COUNT(*) FROM bookings WHERE status = 'CONFIRMED' AND show_id = " + id),
      0)
      << "a confirmed booking on a cancelled show";
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND "
                         "hold_expires_at > UTC_TIMESTAMP(6) AND show_id = " +
                         id),
            0)
      << "a live hold on a cancelled show";
  EXPECT_EQ(
      db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'SOLD' AND show_id = " + id), 0);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM booking_seats bs JOIN bookings b ON b.id = "
                         "bs.booking_id WHERE bs.sold IS NOT NULL AND b.show_id = " +
                         id),
            0);
  std::set<std::int64_t> in_db;
  for (const auto& row : db().rows("SELECT id, status FROM bookings WHERE show_id = " + id)) {
    in_db.insert(std::stoll(row[0].value_or("0")));
    EXPECT_EQ(row[1].value_or(""), "CANCELLED") << "booking " << row[0].value_or("");
  }
  EXPECT_EQ(in_db, booked) << "the show's bookings are exactly those that got a 201";
  EXPECT_EQ(cancel.json["bookings_cancelled"].integer(),
            static_cast<std::int64_t>(booked.size() - cancelled_by_customers.size()))
      << booked.size() << " bookings confirmed, " << cancelled_by_customers.size()
      << " cancelled by their customers before the show was";
  const Response report = client.get(ReportPath(show.id), Auth(admin.token));
  ASSERT_TRUE(IsJson(report, 200));
  EXPECT_EQ(report.json["status"], Json("CANCELLED"));
  EXPECT_EQ(report.json["bookings"], Json(0));
  EXPECT_EQ(report.json["cancelled_bookings"], Json(static_cast<std::int64_t>(booked.size())));
  EXPECT_EQ(report.json["sold"], Json(0));
  EXPECT_EQ(report.json["held"], Json(0));
  EXPECT_EQ(report.json["revenue_cents"], Json(0));
}

}  // namespace
}  // namespace seats_test
