// Tickets and check-in (API.md Part 2, "Tickets and check-in"): every booking's code, its
// QR image for its owner and staff, check-in once at the door, what a check-in forbids, and
// the outbox rows that exist exactly when their change committed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"

namespace seats_test {
namespace {

const char* const kCheckIn = "/api/v1/checkin";
const std::set<std::string> kCheckInKeys = {"booking_id", "show_id", "movie_title",
                                            "time",       "theatre", "timezone",
                                            "seats",      "name",    "checked_in_at"};

std::string TicketPath(std::int64_t booking) { return BookingPath(booking) + "/ticket.png"; }

// What zbarimg (Debian's zbar-tools) reads in a PNG: the tests decode the QR code with a
// reader of its own, not with the encoder's idea of it. Empty when it reads nothing.
std::string DecodeQr(const std::string& png) {
  char path[] = "/tmp/seats-ticket-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  std::ofstream(path, std::ios::binary) << png;
  // stderr stays out: zbarimg warns there about a missing D-Bus on these machines.
  std::string command = std::string("zbarimg --raw -q ") + path + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[256];
  while (pipe && fgets(buffer, sizeof buffer, pipe)) out += buffer;
  int status = pipe ? pclose(pipe) : -1;
  unlink(path);
  if (status == -1 || (WIFEXITED(status) && WEXITSTATUS(status) == 127)) {
    throw std::runtime_error("zbarimg is missing: install zbar-tools");
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

class Tickets : public ApiTest {
 protected:
  void SetUp() override {
    admin = RegisterAdmin(db(), "tickets.admin");
    staff = RegisterWithRole(db(), "tickets.staff", "staff");
  }

  struct Booked {
    OwnShow show;
    std::int64_t id = 0;
    std::string code;
  };
  // A show of its own and a booking of its first `seats` seats by u.
  Booked BookOwn(const User& u, int seats = 2) {
    Booked b;
    b.show = MustCreateOwnShow(client, db(), admin, "tickets", {});
    std::vector<std::int64_t> ids(b.show.seat_ids.begin(), b.show.seat_ids.begin() + seats);
    MustLock(client, u, ids);
    const Response r = Book(client, u, b.show.id, ids);
    if (r.status != 201) throw std::runtime_error("booking failed: " + r.describe());
    b.id = r.json["booking_id"].integer();
    b.code = r.json["ticket_code"].string();
    return b;
  }
  Response CheckIn(const User& who, const std::string& code) {
    return client.post(kCheckIn, JsonBody(Json::object().set("code", code), who.token));
  }
  std::optional<std::string> CheckedInAt(std::int64_t booking) {
    return db().value(
        "SELECT DATE_FORMAT(checked_in_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM bookings WHERE id = " +
        Str(booking));
  }
  std::int64_t OutboxRows(std::int64_t booking, const std::string& kind) {
    return db().integer("SELECT COUNT(*) FROM mail_outbox WHERE booking_id = " + Str(booking) +
                        " AND kind = '" + kind + "'");
  }

  User admin, staff;
};

TEST_F(Tickets, TheTicketIsAQrCodeOfTheCodeForItsOwnerAndForStaff) {
  const User alice = RegisterUser("tickets.png.owner");
  const User bob = RegisterUser("tickets.png.other");
  const Booked b = BookOwn(alice);
  ASSERT_EQ(b.code.size(), 32u);

  for (const User* viewer :
       {&alice, static_cast<const User*>(&staff), static_cast<const User*>(&admin)}) {
    const Response r = client.get(TicketPath(b.id), Auth(viewer->token));
    ASSERT_EQ(r.status, 200) << viewer->email << "\n  " << r.describe();
    EXPECT_EQ(r.headers.at("content-type"), "image/png");
    EXPECT_EQ(r.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(DecodeQr(r.body), b.code) << viewer->email;
  }
  // Someone else's booking looks like a missing one.
  EXPECT_TRUE(IsProblem(client.get(TicketPath(b.id), Auth(bob.token)), 404, "booking_not_found"));
  EXPECT_TRUE(IsProblem(client.get(TicketPath(9223372036854775807), Auth(alice.token)), 404,
                        "booking_not_found"));
  EXPECT_TRUE(IsProblem(client.get(TicketPath(b.id)), 401, "unauthorized"));
}

TEST_F(Tickets, EveryBookingHasItsOwnCode) {
  const User u = RegisterUser("tickets.unique");
  const Booked first = BookOwn(u, 1), second = BookOwn(u, 1);
  EXPECT_NE(first.code, second.code);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM bookings WHERE ticket_code IS NULL"), 0);
  EXPECT_EQ(db().integer("SELECT COUNT(*) - COUNT(DISTINCT ticket_code) FROM bookings"), 0);
}

TEST_F(Tickets, ACheckInAdmitsOnceAndSaysWhoAndWhere) {
  const User u = RegisterUser("tickets.checkin");
  const Booked b = BookOwn(u, 2);
  const Response r = CheckIn(staff, b.code);
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_TRUE(HasExactKeys(r.json, kCheckInKeys));
  EXPECT_EQ(r.json["booking_id"].integer(), b.id);
  EXPECT_EQ(r.json["show_id"].integer(), b.show.id);
  EXPECT_EQ(r.json["movie_title"], b.show.show["movie_title"]);
  EXPECT_EQ(r.json["time"], b.show.show["time"]);
  EXPECT_EQ(r.json["theatre"], b.show.show["theatre"]);
  EXPECT_EQ(r.json["name"].string(), u.name);
  ASSERT_EQ(r.json["seats"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.json["seats"].at(i)["id"].integer(), b.show.seat_ids[i]);
    EXPECT_EQ(r.json["seats"].at(i)["name"].string(), b.show.seat_names[i]);
  }
  EXPECT_EQ(CheckedInAt(b.id).value_or(""), r.json["checked_in_at"].string());
  EXPECT_EQ(db().integer("SELECT checked_in_by FROM bookings WHERE id = " + Str(b.id)), staff.id);

  // Again, by anyone: refused, naming the first time, which stays as it was.
  for (const User* who : {static_cast<const User*>(&staff), static_cast<const User*>(&admin)}) {
    const Response again = CheckIn(*who, b.code);
    EXPECT_TRUE(IsProblem(again, 409, "already_checked_in"));
    EXPECT_NE(again.json["detail"].string().find(r.json["checked_in_at"].string()),
              std::string::npos)
        << again.describe();
  }
  EXPECT_EQ(CheckedInAt(b.id).value_or(""), r.json["checked_in_at"].string());
}

TEST_F(Tickets, ACheckedInBookingCannotBeCancelledAndCountsInTheReport) {
  const User u = RegisterUser("tickets.nocancel");
  const Booked b = BookOwn(u, 2);
  ASSERT_TRUE(IsJson(CheckIn(admin, b.code), 200));
  EXPECT_TRUE(IsProblem(Cancel(client, u, b.id), 409, "booking_not_cancellable"));
  EXPECT_EQ(db().value("SELECT status FROM bookings WHERE id = " + Str(b.id)).value_or(""),
            "CONFIRMED");
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'SOLD' AND show_id = " +
                         Str(b.show.id)),
            2);
  const Response report = client.get(ReportPath(b.show.id), Auth(admin.token));
  ASSERT_TRUE(IsJson(report, 200));
  EXPECT_EQ(report.json["checked_in"].integer(), 1);
  EXPECT_EQ(report.json["bookings"].integer(), 1);
}

TEST_F(Tickets, CheckInRefusesWhatItCannotAdmitAndChangesNothing) {
  const User u = RegisterUser("tickets.refusals");
  const Booked b = BookOwn(u, 1);
  ASSERT_TRUE(IsJson(Cancel(client, u, b.id), 200));
  EXPECT_TRUE(IsProblem(CheckIn(staff, b.code), 409, "booking_not_valid"));
  EXPECT_FALSE(CheckedInAt(b.id).has_value());

  const Booked live = BookOwn(u, 1);
  EXPECT_TRUE(IsProblem(CheckIn(u, live.code), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(client.post(kCheckIn, JsonBody(Json::object().set("code", live.code))), 401,
                        "unauthorized"));
  for (const std::string& code :
       {std::string(32, '0'), std::string("not-a-code"), std::string(), live.code + "0"}) {
    EXPECT_TRUE(IsProblem(CheckIn(staff, code), 404, "ticket_not_found")) << code;
  }
  for (const char* body :
       {R"({})", R"({"code":5})", R"({"code":null})", R"({"code":["x"]})", R"({"code":{"a":1}})"}) {
    EXPECT_TRUE(
        IsProblem(client.post(kCheckIn, RawBody(body, staff.token)), 422, "validation_failed"))
        << body;
  }
  EXPECT_TRUE(IsProblem(client.post(kCheckIn, RawBody("{", staff.token)), 400, "invalid_json"));
  EXPECT_FALSE(CheckedInAt(live.id).has_value()) << "no refusal may admit the ticket";
}

// API.md: with SMTP_URL set, a mail exists exactly when its change committed; without it,
// none is written at all.
TEST_F(Tickets, OutboxRowsExistExactlyWhenTheirChangeCommitted) {
  const bool mail = !settings().smtp_url.empty();
  const User u = RegisterUser("tickets.outbox");
  const Booked b = BookOwn(u, 1);
  EXPECT_EQ(OutboxRows(b.id, "confirmation"), mail ? 1 : 0);
  // A refused booking (the seat is not held) commits nothing, mail included.
  EXPECT_TRUE(IsProblem(Book(client, u, b.show.id, {b.show.seat_ids.at(1)}), 409, "seat_not_held"));
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM mail_outbox o JOIN bookings k ON k.id = "
                         "o.booking_id WHERE k.user_id = " +
                         Str(u.id)),
            mail ? 1 : 0);

  ASSERT_TRUE(IsJson(Cancel(client, u, b.id), 200));
  EXPECT_EQ(OutboxRows(b.id, "cancellation"), mail ? 1 : 0);
  // A refused cancellation (already cancelled) writes nothing.
  EXPECT_TRUE(IsProblem(Cancel(client, u, b.id), 409, "booking_not_cancellable"));
  EXPECT_EQ(OutboxRows(b.id, "cancellation"), mail ? 1 : 0);

  // A show's cancellation: one mail for each booking it cancels, none for one cancelled before.
  const User v = RegisterUser("tickets.outbox.show");
  const Booked first = BookOwn(v, 1);
  std::vector<std::int64_t> second_seat = {first.show.seat_ids.at(1)};
  MustLock(client, v, second_seat);
  const std::int64_t second = MustBook(client, v, first.show.id, second_seat);
  const std::vector<std::int64_t> third_seat = {first.show.seat_ids.at(2)};
  MustLock(client, v, third_seat);
  const std::int64_t third = MustBook(client, v, first.show.id, third_seat);
  ASSERT_TRUE(IsJson(Cancel(client, v, third), 200));
  ASSERT_TRUE(IsJson(client.del(AdminShowPath(first.show.id), Auth(admin.token)), 200));
  EXPECT_EQ(OutboxRows(first.id, "cancellation"), mail ? 1 : 0);
  EXPECT_EQ(OutboxRows(second, "cancellation"), mail ? 1 : 0);
  EXPECT_EQ(OutboxRows(third, "cancellation"), mail ? 1 : 0);
}

}  // namespace
}  // namespace seats_test
