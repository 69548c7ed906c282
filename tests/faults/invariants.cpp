#include "invariants.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "support/env.hpp"

namespace faults {

using seats_test::Auth;
using seats_test::Client;
using seats_test::Db;
using seats_test::DbRow;
using seats_test::IdList;
using seats_test::Response;
using seats_test::Str;

namespace {

// Expired holds a check locks again, as another user, to show the seat is not stuck.
constexpr std::size_t kStuckProbes = 3;

std::string Text(const std::optional<std::string>& v) { return v ? *v : "NULL"; }

// One show's rows as (status, user, deadline) by seat id, and the database time of the read.
struct SeatRows {
  std::string now;
  std::map<std::int64_t, DbRow> rows;
};

SeatRows ReadSeats(Db& db, std::int64_t show) {
  SeatRows out;
  for (auto& row :
       db.rows("SELECT id, status, user_id, hold_expires_at, NOW(6) FROM show_seats WHERE "
               "show_id = " +
               Str(show))) {
    out.now = Text(row[4]);
    const std::int64_t id = std::stoll(Text(row[0]));
    row.resize(4);
    out.rows.emplace(id, std::move(row));
  }
  return out;
}

}  // namespace

FaultLine::FaultLine(const std::string& scenario) : text_("FAULT scenario=" + scenario) {}

FaultLine& FaultLine::Add(const std::string& key, long long value) {
  return Add(key, std::to_string(value));
}

FaultLine& FaultLine::Add(const std::string& key, const std::string& value) {
  text_ += " " + key + "=" + value;
  return *this;
}

FaultLine& FaultLine::Fields(const std::string& fields) {
  text_ += " " + fields;
  return *this;
}

void FaultLine::Print() const {
  std::printf("%s\n", text_.c_str());
  std::fflush(stdout);
  const std::string report = seats_test::EnvOr("FAULTS_REPORT", "");
  if (!report.empty()) std::ofstream(report, std::ios::app) << text_ << "\n";
}

LapsedHolds ExpectDatabaseConsistent(Db& db, const Load& load, FaultLine& line) {
  // Sales: the unique key should make a double sale impossible; this proves it held.
  const auto double_sold = db.integer(
      "SELECT COUNT(*) FROM (SELECT seat_id FROM booking_seats WHERE sold = 1 "
      "GROUP BY seat_id HAVING COUNT(*) > 1) twice");
  const auto sold_without_one_booking = db.integer(
      "SELECT COUNT(*) FROM show_seats s WHERE s.status = 'SOLD' AND "
      "(SELECT COUNT(*) FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id "
      " WHERE bs.seat_id = s.id AND bs.sold = 1 AND b.status = 'CONFIRMED') <> 1");
  const auto booked_not_sold = db.integer(
      "SELECT COUNT(*) FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id "
      "JOIN show_seats s ON s.id = bs.seat_id "
      "WHERE b.status = 'CONFIRMED' AND (bs.sold IS NULL OR s.status <> 'SOLD')");
  const auto cancelled_still_sold = db.integer(
      "SELECT COUNT(*) FROM booking_seats bs JOIN bookings b ON b.id = bs.booking_id "
      "WHERE b.status = 'CANCELLED' AND bs.sold IS NOT NULL");
  const auto bookings_without_seats = db.integer(
      "SELECT COUNT(*) FROM bookings b WHERE NOT EXISTS "
      "(SELECT 1 FROM booking_seats bs WHERE bs.booking_id = b.id)");
  const auto locked_without_owner = db.integer(
      "SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND "
      "(user_id IS NULL OR hold_expires_at IS NULL)");
  EXPECT_EQ(double_sold, 0) << "seats with two confirmed sales";
  EXPECT_EQ(sold_without_one_booking, 0) << "SOLD seats without exactly one confirmed booking";
  EXPECT_EQ(booked_not_sold, 0) << "seats of confirmed bookings that are not SOLD";
  EXPECT_EQ(cancelled_still_sold, 0) << "seats of cancelled bookings still marked sold";
  EXPECT_EQ(bookings_without_seats, 0) << "bookings without any seat (half-done bookings)";
  EXPECT_EQ(locked_without_owner, 0) << "LOCKED seats without a user or a deadline";

  // Every booking a client was told about.
  const auto told = load.bookings();
  long lost = 0;
  long wrong = 0;
  if (!told.empty()) {
    std::vector<std::int64_t> ids;
    for (const auto& b : told) ids.push_back(b.id);
    std::map<std::int64_t, std::string> status;
    for (const auto& row :
         db.rows("SELECT id, status FROM bookings WHERE id IN (" + IdList(ids) + ")")) {
      status[std::stoll(Text(row[0]))] = Text(row[1]);
    }
    std::map<std::int64_t, std::set<std::int64_t>> sold_seats;
    for (const auto& row : db.rows("SELECT booking_id, seat_id FROM booking_seats WHERE sold = 1 "
                                   "AND booking_id IN (" +
                                   IdList(ids) + ")")) {
      sold_seats[std::stoll(Text(row[0]))].insert(std::stoll(Text(row[1])));
    }
    for (const auto& b : told) {
      const auto it = status.find(b.id);
      if (it == status.end()) {
        lost += 1;
        ADD_FAILURE() << "booking " << b.id << " (answered 201) is gone";
        continue;
      }
      const std::set<std::int64_t> seats(b.seats.begin(), b.seats.end());
      if (b.fate == Fate::kConfirmed && (it->second != "CONFIRMED" || sold_seats[b.id] != seats)) {
        lost += 1;
        ADD_FAILURE() << "booking " << b.id << " (answered 201, never cancelled) is " << it->second
                      << " with " << sold_seats[b.id].size() << " of " << seats.size()
                      << " seats sold";
      } else if (b.fate == Fate::kCancelled && it->second != "CANCELLED") {
        wrong += 1;
        ADD_FAILURE() << "booking " << b.id << " was cancelled (200) but is " << it->second;
      }
    }
  }

  // The grid against the rows, for seats that did not change while the grid was read.
  long grid_mismatch = 0;
  long expired_checked = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> expired_seats;  // seat, holder
  Client client;
  for (const auto& show : load.shows()) {
    const SeatRows before = ReadSeats(db, show.id);
    const Response grid = client.get(seats_test::ShowSeatsPath(show.id));
    const SeatRows after = ReadSeats(db, show.id);
    if (grid.status != 200) {
      ADD_FAILURE() << "the seat grid did not answer: " << grid.describe();
      continue;
    }
    for (std::size_t i = 0; i < grid.json.size(); ++i) {
      const std::int64_t id = grid.json.at(i)["id"].integer();
      const std::string shown = grid.json.at(i)["status"].string();
      const auto b = before.rows.find(id);
      const auto a = after.rows.find(id);
      if (b == before.rows.end() || a == after.rows.end() || b->second != a->second) continue;
      const std::string db_status = Text(b->second[1]);
      const std::string deadline = Text(b->second[3]);
      std::string expected = db_status;
      if (db_status == "LOCKED") {
        if (deadline <= before.now) {
          expected = "AVAILABLE";
          expired_checked += 1;
          if (b->second[2]) expired_seats.emplace_back(id, std::stoll(*b->second[2]));
        } else if (deadline <= after.now) {
          continue;  // lapsed while the grid was being read: either answer is right
        }
      }
      if (shown != expected) {
        grid_mismatch += 1;
        ADD_FAILURE() << "seat " << id << " reads " << shown << " but its row is " << db_status
                      << " until " << deadline << " (database time " << before.now << ")";
      }
    }
  }

  // A lapsed hold frees the seat for anyone: take a few of them as another load user.
  long stuck = 0;
  long unstuck = 0;
  for (const auto& [seat, holder] : expired_seats) {
    if (static_cast<std::size_t>(unstuck + stuck) >= kStuckProbes) break;
    const auto& users = load.users();
    const auto other = std::find_if(users.begin(), users.end(),
                                    [holder = holder](const auto& u) { return u.id != holder; });
    if (other == users.end()) break;
    const Response r = client.patch(seats_test::SeatLockPath(seat), Auth(other->token));
    if (r.status == 200) {
      unstuck += 1;
      client.del(seats_test::SeatLockPath(seat), Auth(other->token));
    } else if (r.status != 409) {  // 409: someone else took it meanwhile, which is fine
      stuck += 1;
      ADD_FAILURE() << "seat " << seat << " with a lapsed hold cannot be locked: " << r.describe();
    }
  }

  line.Add("told_bookings", static_cast<long long>(told.size()))
      .Add("lost_bookings", lost)
      .Add("wrong_state", wrong)
      .Add("double_sold", double_sold)
      .Add("sold_mismatch", sold_without_one_booking + booked_not_sold + cancelled_still_sold +
                                bookings_without_seats)
      .Add("ownerless_locks", locked_without_owner)
      .Add("expired_holds_checked", expired_checked)
      .Add("grid_mismatch", grid_mismatch)
      .Add("lapsed_relocked", unstuck);
  return {expired_checked, unstuck};
}

void CleanUp(Db& db, const Load& load) {
  Client client;
  for (const auto& user : load.users()) {
    const Response list = client.get(seats_test::kBookingsPath, Auth(user.token));
    for (std::size_t i = 0; list.status == 200 && i < list.json.size(); ++i) {
      if (list.json.at(i)["status"].string() == "CONFIRMED") {
        client.del(seats_test::BookingPath(list.json.at(i)["booking_id"].integer()),
                   Auth(user.token));
      }
    }
    for (const auto& row : db.rows("SELECT id FROM show_seats WHERE user_id = " + Str(user.id) +
                                   " AND status = 'LOCKED' AND hold_expires_at > NOW(6)")) {
      client.del(seats_test::SeatLockPath(std::stoll(Text(row[0]))), Auth(user.token));
    }
  }
}

bool LockWaitSeen(seats_test::Db& db, const std::string& blocker_thread, Millis limit) {
  const std::string sql =
      "SELECT COUNT(*) FROM information_schema.innodb_lock_waits w "
      "JOIN information_schema.innodb_trx t ON t.trx_id = w.blocking_trx_id "
      "WHERE t.trx_mysql_thread_id = " +
      blocker_thread;
  return PollUntil(
      limit, [&] { return db.integer(sql) > 0; }, Millis(150));
}

}  // namespace faults
