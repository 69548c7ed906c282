// The waiting room (API.md Part 2, "On-sale"): who joins before the sale waits without a
// place, and at on_sale_at everyone gets one in a random order; later joiners follow in
// arrival order; position p is admitted at on_sale_at + (p - 1) / queue_rate for
// ADMISSION_SECONDS; a lock needs admission, a release or a booking of held seats does not.
//
// One show serves the tests that need a sale to begin (each such wait costs seconds): the
// suite registers its users, makes the show with on_sale_at a few seconds ahead and has 40
// users join before it. The tests that need no sale run first, inside that wait; the others
// take users and seats of their own from it, and each picks the users whose times suit the
// moment it runs, so none depends on another having run.
#include "support/queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"

namespace seats_test {
namespace {

constexpr int kEarly = 40;  // join before the sale
constexpr int kLate = 3;    // join after it
constexpr int kSpare = 2;   // never join
constexpr int kRate = 5;    // admissions a second
constexpr auto kSaleIn = std::chrono::seconds(8);
constexpr double kAdmitSlackSeconds = 1.0;  // admit_at against the formula
constexpr double kWindowSlackSeconds = 0.01;
constexpr auto kCrowdCountAge = std::chrono::milliseconds(1100);
// A Retry-After counts from the server's answer, which comes a little before the client's
// clock reads the time after it.
constexpr auto kAnswerSlack = std::chrono::milliseconds(100);
// How far ahead of a moment a test must be to still act before it (requests, waits' margin).
constexpr auto kLead = std::chrono::milliseconds(500);

// One early joiner's place, read once the sale has begun.
struct Place {
  std::size_t user = 0;  // index into Sale::early, which is their arrival order
  std::int64_t position = 0;
  TimePoint admit_at, admitted_until;
};

// What the suite sets up once and its tests share.
struct Sale {
  User admin;
  OwnShow show;
  TimePoint on_sale_at;
  std::vector<User> early, late, spare;
  std::vector<Response> joins;            // early[i]'s join, before the sale
  std::vector<TimePoint> joins_answered;  // by this machine's clock, just after each
  std::vector<Response> asks;             // early[i]'s GET once every join is counted
  std::vector<TimePoint> asks_answered;
  Response get_before;     // early[0]'s GET, before the sale
  Response rejoin_before;  // early[1] joining again, before the sale
  TimePoint joined_by;     // the database clock after the last of those

  std::vector<Place> places;  // filled by Queue::Placed()
  std::string places_error;
  std::set<std::size_t> taken;  // early users a test has used for locks
  std::size_t next_seat = 0;
};

class Queue : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    Db db;
    Client c;
    sale_ = new Sale;
    Sale& s = *sale_;
    s.admin = RegisterAdmin(db, "queue.admin");
    s.early = RegisterUsers(kEarly, "queue.early");
    s.late = RegisterUsers(kLate, "queue.late");
    s.spare = RegisterUsers(kSpare, "queue.spare");
    s.show = MustCreateOwnShow(
        c, db, s.admin, "queue",
        {.rows = {{"A", 10}, {"B", 10}}, .extra = OnSale(db.now() + kSaleIn, kRate)});
    s.on_sale_at = ParseTime(s.show.show["on_sale_at"].string());
    for (const User& u : s.early) {
      Client own;  // each user from their own address, as from their own browser
      s.joins.push_back(JoinQueue(own, u, s.show.id));
      s.joins_answered.push_back(SystemNow());
    }
    s.get_before = GetPlace(c, s.early.at(0), s.show.id);
    s.rejoin_before = JoinQueue(c, s.early.at(1), s.show.id);
    s.joined_by = db.now();
    // Once every worker's count of the crowd includes all 40 (it is at most 1 s old:
    // queue/turn_hint.hpp, as Context makes it), each asks for their place again.
    std::this_thread::sleep_for(kCrowdCountAge);
    for (const User& u : s.early) {
      s.asks.push_back(GetPlace(c, u, s.show.id));
      s.asks_answered.push_back(SystemNow());
    }
  }
  static void TearDownTestSuite() {
    delete sale_;
    sale_ = nullptr;
  }

  Sale& sale() { return *sale_; }
  std::int64_t show_id() { return sale_->show.id; }

  // Every early joiner's place, read once after on_sale_at (waits for it).
  const std::vector<Place>& Placed() {
    Sale& s = sale();
    if (!s.places.empty() || !s.places_error.empty()) {
      if (!s.places_error.empty()) throw std::runtime_error(s.places_error);
      return s.places;
    }
    WaitForDbTimePast(db(), s.on_sale_at);
    for (std::size_t i = 0; i < s.early.size(); ++i) {
      const Response r = GetPlace(client, s.early[i], show_id());
      if (r.status != 200 || !r.json["position"].is_integer() || !r.json["admit_at"].is_string() ||
          !r.json["admitted_until"].is_string()) {
        s.places_error = "no place after the sale began: " + r.describe();
        throw std::runtime_error(s.places_error);
      }
      s.places.push_back({i, r.json["position"].integer(), ParseTime(r.json["admit_at"].string()),
                          ParseTime(r.json["admitted_until"].string())});
    }
    return s.places;
  }

  // The unused early joiner whose place suits the test best (by `better`) among those
  // `fits` allows; throws when none is left.
  template <typename Fits, typename Better>
  Place Take(Fits fits, Better better) {
    std::optional<Place> best;
    for (const Place& p : Placed()) {
      if (sale().taken.count(p.user) || !fits(p)) continue;
      if (!best || better(p, *best)) best = p;
    }
    if (!best) throw std::runtime_error("no early joiner's times suit this test any more");
    sale().taken.insert(best->user);
    return *best;
  }

  std::int64_t TakeSeat() { return sale().show.seat_ids.at(sale().next_seat++); }

  const User& user(const Place& p) { return sale().early.at(p.user); }

  // The seat is not held (AVAILABLE, or LOCKED past its expiry) in the database.
  bool SeatIsFree(std::int64_t seat) {
    return db().integer("SELECT COUNT(*) FROM show_seats WHERE id = " + Str(seat) +
                        " AND (status = 'AVAILABLE' OR (status = 'LOCKED' AND hold_expires_at <= "
                        "UTC_TIMESTAMP(6)))") == 1;
  }

  static Sale* sale_;
};

Sale* Queue::sale_ = nullptr;

// --- No sale needed: these run while the sale is still ahead. ---

TEST_F(Queue, JoiningAndReadingAPlaceNeedAToken) {
  EXPECT_TRUE(IsProblem(client.post(QueuePath(show_id())), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.get(QueuePath(show_id())), 401, "unauthorized"));
  EXPECT_TRUE(
      IsProblem(client.post(QueuePath(show_id()), Auth("not.a.token")), 401, "unauthorized"));
}

TEST_F(Queue, OneWhoNeverJoinedHasNoPlace) {
  EXPECT_TRUE(IsProblem(GetPlace(client, sale().spare.at(0), show_id()), 404, "not_in_queue"));
  EXPECT_EQ(QueueRows(db(), show_id(), sale().spare.at(0).id), 0);
}

TEST_F(Queue, AnUnknownOrCancelledShowHasNoQueue) {
  const User& u = sale().spare.at(0);
  const std::int64_t unknown = db().integer("SELECT COALESCE(MAX(id), 0) + 1000 FROM shows");
  EXPECT_TRUE(IsProblem(JoinQueue(client, u, unknown), 404, "show_not_found"));
  EXPECT_TRUE(IsProblem(GetPlace(client, u, unknown), 404, "show_not_found"));

  const OwnShow cancelled =
      MustCreateOwnShow(client, db(), sale().admin, "queue.cancelled",
                        {.extra = OnSale(db().now() + std::chrono::minutes(5), kRate)});
  ASSERT_TRUE(IsJson(client.del(AdminShowPath(cancelled.id), Auth(sale().admin.token)), 200));
  EXPECT_TRUE(IsProblem(JoinQueue(client, u, cancelled.id), 404, "show_not_found"));
  EXPECT_EQ(QueueRows(db(), cancelled.id), 0);
}

TEST_F(Queue, TheQueueIsNotOpenWithoutARateOrLongBeforeTheSale) {
  const User& u = sale().spare.at(1);
  const auto opens_before = std::chrono::seconds(settings().queue_opens_before);

  const OwnShow no_rate =
      MustCreateOwnShow(client, db(), sale().admin, "queue.norate",
                        {.extra = OnSale(db().now() + std::chrono::minutes(1), 0)});
  EXPECT_TRUE(IsProblem(JoinQueue(client, u, no_rate.id), 409, "queue_not_open"));
  EXPECT_EQ(QueueRows(db(), no_rate.id), 0);

  const OwnShow too_early = MustCreateOwnShow(
      client, db(), sale().admin, "queue.early",
      {.extra = OnSale(db().now() + opens_before + std::chrono::minutes(2), kRate)});
  EXPECT_TRUE(IsProblem(JoinQueue(client, u, too_early.id), 409, "queue_not_open"));
  EXPECT_EQ(QueueRows(db(), too_early.id), 0);

  // Just inside the window it is open.
  const OwnShow open = MustCreateOwnShow(
      client, db(), sale().admin, "queue.open",
      {.extra = OnSale(db().now() + opens_before - std::chrono::minutes(2), kRate)});
  EXPECT_TRUE(IsPlace(JoinQueue(client, u, open.id), "PRE_QUEUE"));
  EXPECT_EQ(QueueRows(db(), open.id, u.id), 1);
}

TEST_F(Queue, JoinsBeforeTheSaleWaitWithoutAPlace) {
  const Sale& s = sale();
  ASSERT_LT(s.joined_by, s.on_sale_at) << "the joins took longer than the wait for the sale";
  for (std::size_t i = 0; i < s.joins.size(); ++i) {
    EXPECT_TRUE(IsPlace(s.joins[i], "PRE_QUEUE")) << "early joiner " << i;
  }
  EXPECT_TRUE(IsPlace(s.get_before, "PRE_QUEUE"));
  EXPECT_TRUE(IsPlace(s.rejoin_before, "PRE_QUEUE"));
  for (const User& u : s.early) EXPECT_EQ(QueueRows(db(), show_id(), u.id), 1) << u.email;
}

// --- After on_sale_at. ---

TEST_F(Queue, EarlyJoinersAreToldToAskAgainNearTheirTurnAndNeverAfterIt) {
  const Sale& s = sale();
  const std::vector<Place>& places = Placed();
  ASSERT_LT(s.asks_answered.back(), s.on_sale_at) << "the asks took longer than the wait";
  std::size_t told_later = 0;
  for (const Place& p : places) {
    // The join's hint counted fewer joiners than there are, which may only make it earlier.
    for (auto [answer, answered] : {std::pair{&s.joins.at(p.user), s.joins_answered.at(p.user)},
                                    std::pair{&s.asks.at(p.user), s.asks_answered.at(p.user)}}) {
      const std::string header = answer->header("retry-after");
      ASSERT_TRUE(!header.empty() && header.find_first_not_of("0123456789") == std::string::npos)
          << answer->describe();
      const TimePoint ask = answered + std::chrono::seconds(std::stoll(header));
      EXPECT_GE(ask, s.on_sale_at) << "an ask before the sale finds no place yet";
      // The one lateness allowed: a turn in the sale's first second, asked for at its end.
      EXPECT_LE(ask, std::max(p.admit_at, s.on_sale_at + std::chrono::seconds(1)) + kAnswerSlack)
          << "position " << p.position << ": told to ask " << SecondsBetween(p.admit_at, ask)
          << " s after the turn";
      if (answer == &s.asks.at(p.user) && ask > s.on_sale_at + std::chrono::seconds(2)) {
        ++told_later;
      }
    }
  }
  // At 5 a second the last of the 40 turns comes 7.8 s after the sale: those drawn late are
  // told to come later than the rest.
  EXPECT_GT(told_later, 0U);
  // A place with a position needs no hint: admit_at says when.
  EXPECT_EQ(GetPlace(client, s.early.at(0), show_id()).header("retry-after"), "");
}

TEST_F(Queue, AtTheSaleEarlyJoinersGetAPermutationThatIsNotTheirArrivalOrder) {
  const std::vector<Place>& places = Placed();
  std::vector<std::int64_t> in_arrival_order;
  for (const Place& p : places) in_arrival_order.push_back(p.position);
  ASSERT_EQ(in_arrival_order.size(), std::size_t{kEarly});
  EXPECT_TRUE(AreOneToN(in_arrival_order));
  std::vector<std::int64_t> one_to_n(kEarly);
  for (int i = 0; i < kEarly; ++i) one_to_n[static_cast<std::size_t>(i)] = i + 1;
  EXPECT_NE(in_arrival_order, one_to_n) << "positions follow the arrival order";
  std::vector<std::int64_t> reversed(one_to_n.rbegin(), one_to_n.rend());
  EXPECT_NE(in_arrival_order, reversed) << "positions follow the arrival order backwards";

  // Joining again, or reading the place again, gives the same place.
  for (std::size_t i : {std::size_t{0}, std::size_t{kEarly - 1}}) {
    const User& u = sale().early.at(i);
    for (const Response& r : {JoinQueue(client, u, show_id()), GetPlace(client, u, show_id())}) {
      ASSERT_EQ(r.status, 200) << r.describe();
      EXPECT_EQ(r.json["position"].integer(), places[i].position) << r.describe();
      EXPECT_EQ(ParseTime(r.json["admit_at"].string()), places[i].admit_at) << r.describe();
    }
  }
  EXPECT_EQ(QueueRows(db(), show_id(), sale().early.at(0).id), 1);
}

TEST_F(Queue, LaterJoinersFollowInArrivalOrder) {
  Placed();  // the sale has begun
  for (std::size_t i = 0; i < sale().late.size(); ++i) {
    const Response r = JoinQueue(client, sale().late[i], show_id());
    ASSERT_EQ(r.status, 200) << r.describe();
    ASSERT_TRUE(r.json["status"].string() == "WAITING" || r.json["status"].string() == "ADMITTED")
        << r.describe();
    EXPECT_TRUE(IsPlace(r, r.json["status"].string()));
    const auto p = static_cast<std::int64_t>(kEarly + 1 + i);
    EXPECT_EQ(r.json["position"].integer(), p) << r.describe();
    const TimePoint formula =
        sale().on_sale_at + std::chrono::microseconds((p - 1) * 1000000 / kRate);
    EXPECT_NEAR(SecondsBetween(formula, ParseTime(r.json["admit_at"].string())), 0.0,
                kAdmitSlackSeconds)
        << r.describe();
  }
}

TEST_F(Queue, AdmissionTimesFollowTheRateAndLastTheWindow) {
  for (const Place& p : Placed()) {
    const TimePoint formula =
        sale().on_sale_at + std::chrono::microseconds((p.position - 1) * 1000000 / kRate);
    EXPECT_NEAR(SecondsBetween(formula, p.admit_at), 0.0, kAdmitSlackSeconds)
        << "position " << p.position;
    EXPECT_NEAR(SecondsBetween(p.admit_at, p.admitted_until),
                static_cast<double>(settings().admission_seconds), kWindowSlackSeconds)
        << "position " << p.position;
  }
}

TEST_F(Queue, AfterTheWindowClosesLocksAreRefusedButHeldSeatsCanBeBookedOrReleased) {
  ASSERT_GE(settings().hold_seconds, 2) << "a hold must outlast the window's last second";
  Placed();
  const TimePoint now = db().now();
  const auto last_second = std::chrono::seconds(1);
  // The window that ends soonest but still has its last second ahead.
  const Place p =
      Take([&](const Place& c) { return c.admitted_until - last_second > now + kLead; },
           [](const Place& a, const Place& b) { return a.admitted_until < b.admitted_until; });
  const User& u = user(p);
  const std::int64_t booked = TakeSeat(), released = TakeSeat(), refused = TakeSeat();

  // In the window's last second: two holds, which outlast it.
  WaitForDbTimePast(db(), p.admitted_until - last_second);
  ASSERT_TRUE(IsPlace(GetPlace(client, u, show_id()), "ADMITTED"));
  MustLock(client, u, {booked, released});

  WaitForDbTimePast(db(), p.admitted_until);
  const Response after = GetPlace(client, u, show_id());
  EXPECT_TRUE(IsPlace(after, "EXPIRED"));
  EXPECT_EQ(after.json["position"].integer(), p.position);
  EXPECT_TRUE(IsProblem(Lock(client, u, refused), 409, "not_admitted"));
  EXPECT_TRUE(SeatIsFree(refused));

  EXPECT_TRUE(IsJson(Release(client, u, released), 200));
  const Response booking = Book(client, u, show_id(), {booked});
  EXPECT_TRUE(IsJson(booking, 201));
  EXPECT_EQ(db().value("SELECT status FROM show_seats WHERE id = " + Str(released)).value_or(""),
            "AVAILABLE");
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats s JOIN booking_seats bs ON bs.seat_id = "
                         "s.id AND bs.sold = 1 JOIN bookings b ON b.id = bs.booking_id WHERE "
                         "s.status = 'SOLD' AND s.id = " +
                         Str(booked) + " AND b.user_id = " + Str(u.id)),
            1);
}

TEST_F(Queue, ALockBeforeOnesAdmissionIsRefusedAndAfterItSucceeds) {
  Placed();
  const TimePoint now = db().now();
  // The latest admission still ahead: the most time to see the refusal.
  const Place p = Take([&](const Place& c) { return c.admit_at > now + kLead; },
                       [](const Place& a, const Place& b) { return a.admit_at > b.admit_at; });
  const User& u = user(p);
  const std::int64_t seat = TakeSeat();

  EXPECT_TRUE(IsPlace(GetPlace(client, u, show_id()), "WAITING"));
  const Response early = Lock(client, u, seat);
  EXPECT_TRUE(IsProblem(early, 409, "not_admitted"));
  EXPECT_TRUE(DetailMentions(early, Str(p.position)));
  EXPECT_TRUE(SeatIsFree(seat));
  // One who never joined is not admitted either.
  EXPECT_TRUE(IsProblem(Lock(client, sale().spare.at(1), seat), 409, "not_admitted"));
  EXPECT_TRUE(SeatIsFree(seat));

  WaitForDbTimePast(db(), p.admit_at);
  EXPECT_TRUE(IsPlace(GetPlace(client, u, show_id()), "ADMITTED"));
  EXPECT_TRUE(IsJson(Lock(client, u, seat), 200));
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND id = " +
                         Str(seat) + " AND user_id = " + Str(u.id)),
            1);
}

}  // namespace
}  // namespace seats_test
