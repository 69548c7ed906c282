// Check-in under races (API.md Part 2, "Tickets and check-in"): of any number of
// concurrent check-ins of one code exactly one is 200, and a check-in racing the customer's
// cancellation never lets both win. Judged in the database afterwards, not only by status.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/parallel.hpp"
#include "support/tally.hpp"

namespace seats_test {
namespace {

constexpr int kParallelCheckIns = 20;
constexpr int kCheckInRounds = 3;
constexpr int kCancelRounds = 10;

class TicketsRace : public ApiTest {
 protected:
  void SetUp() override {
    admin = RegisterAdmin(db(), "tickets.race.admin");
    staff = RegisterWithRole(db(), "tickets.race.staff", "staff");
    show = MustCreateOwnShow(client, db(), admin, "tickets.race", {.rows = {{"A", 20}}});
  }
  // A one-seat booking of the show's `index`th seat by u: its id and ticket code.
  std::pair<std::int64_t, std::string> BookSeat(const User& u, std::size_t index) {
    const std::vector<std::int64_t> seat = {show.seat_ids.at(index)};
    MustLock(client, u, seat);
    const Response r = Book(client, u, show.id, seat);
    if (r.status != 201) throw std::runtime_error("booking failed: " + r.describe());
    return {r.json["booking_id"].integer(), r.json["ticket_code"].string()};
  }
  static Response CheckIn(Client& c, const User& who, const std::string& code) {
    return c.post("/api/v1/checkin", JsonBody(Json::object().set("code", code), who.token));
  }

  User admin, staff;
  OwnShow show;
};

TEST_F(TicketsRace, ManyCheckInsOfOneCodeAdmitExactlyOnce) {
  const User u = RegisterUser("tickets.race.many");
  for (int round = 0; round < kCheckInRounds; ++round) {
    const auto [booking, code] = BookSeat(u, static_cast<std::size_t>(round));
    const std::vector<Response> answers = RunTogether(kParallelCheckIns, [&](int i, Client& c) {
      return CheckIn(c, i % 2 ? admin : staff, code);
    });
    Tally tally;
    int admitted = 0;
    std::string admitted_at;
    for (const Response& r : answers) {
      tally.Add(r);
      if (r.status == 200) {
        ++admitted;
        admitted_at = r.json["checked_in_at"].string();
      } else {
        EXPECT_TRUE(IsProblem(r, 409, "already_checked_in")) << r.describe();
      }
    }
    EXPECT_EQ(admitted, 1) << "round " << round << ": " << tally.Describe();
    EXPECT_EQ(db().value("SELECT DATE_FORMAT(checked_in_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM "
                         "bookings WHERE id = " +
                         Str(booking))
                  .value_or(""),
              admitted_at);
  }
}

TEST_F(TicketsRace, ACheckInRacingTheCancellationNeverLetsBothWin) {
  const User u = RegisterUser("tickets.race.cancel");
  Tally tally;
  for (int round = 0; round < kCancelRounds; ++round) {
    const auto [booking, code] = BookSeat(u, static_cast<std::size_t>(kCheckInRounds + round));
    const std::vector<Response> answers = RunTogether(2, [&](int i, Client& c) {
      return i == 0 ? CheckIn(c, staff, code) : Cancel(c, u, booking);
    });
    const Response &checkin = answers[0], &cancel = answers[1];
    tally.Add(checkin);
    tally.Add(cancel);
    if (checkin.status == 200) {
      EXPECT_TRUE(IsProblem(cancel, 409, "booking_not_cancellable")) << cancel.describe();
    } else {
      EXPECT_TRUE(IsProblem(checkin, 409, "booking_not_valid")) << checkin.describe();
      EXPECT_TRUE(IsJson(cancel, 200)) << cancel.describe();
    }
    // The database agrees with whichever won.
    const auto row = db().rows(
        "SELECT status, checked_in_at IS NOT NULL FROM bookings WHERE id = " + Str(booking));
    ASSERT_EQ(row.size(), 1u);
    const std::string status = row[0][0].value_or(""), checked_in = row[0][1].value_or("");
    EXPECT_EQ(status, checkin.status == 200 ? "CONFIRMED" : "CANCELLED") << "round " << round;
    EXPECT_EQ(checked_in, checkin.status == 200 ? "1" : "0") << "round " << round;
  }
  std::printf("check-in vs cancel, %d rounds: %s\n", kCancelRounds, tally.Describe().c_str());
}

}  // namespace
}  // namespace seats_test
