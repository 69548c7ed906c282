#include "handlers/seat_refusals.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace seats {
namespace {

using std::chrono::milliseconds;
constexpr int64_t kShow = 101;
constexpr int64_t kSeat = 501;
constexpr int64_t kHolder = 7;
constexpr int64_t kOther = 8;
constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;

SeatSeen HeldBy(int64_t holder, int64_t held_for_us, int64_t starts_in_us = kDay) {
  return SeatSeen{kShow, false, true, holder, held_for_us, starts_in_us};
}

// Refuses `kSeat` twice through the transaction (the first teaches the show).
void Teach(SeatRefusals& refusals, const SeatSeen& seen) {
  refusals.remember(kSeat, refusals.before(kSeat), seen);
  refusals.remember(kSeat, refusals.before(kSeat), seen);
}

TEST(SeatRefusals, TheFirstRefusalOnlyTeachesTheShow) {
  ShowVersions versions(/*shared=*/false);
  SeatRefusals refusals(versions, milliseconds(1000));
  refusals.remember(kSeat, refusals.before(kSeat), HeldBy(kHolder, kDay));
  EXPECT_FALSE(refusals.known(kSeat, kOther));
  refusals.remember(kSeat, refusals.before(kSeat), HeldBy(kHolder, kDay));
  EXPECT_EQ(refusals.known(kSeat, kOther), SeatRefusals::Reason::HeldByAnother);
}

TEST(SeatRefusals, TheHolderIsNeverRefused) {
  ShowVersions versions(false);
  SeatRefusals refusals(versions, milliseconds(1000));
  Teach(refusals, HeldBy(kHolder, kDay));
  EXPECT_FALSE(refusals.known(kSeat, kHolder));
}

TEST(SeatRefusals, AnyChangeToTheShowThroughThePoolIsForgottenAtOnce) {
  ShowVersions versions(false);
  SeatRefusals refusals(versions, milliseconds(1000));
  Teach(refusals, HeldBy(kHolder, kDay));
  versions.bump(kShow + 1);
  EXPECT_TRUE(refusals.known(kSeat, kOther)) << "another show changed";
  versions.bump(kShow);
  EXPECT_FALSE(refusals.known(kSeat, kOther));
  Teach(refusals, HeldBy(kHolder, kDay));
  versions.bump_all();
  EXPECT_FALSE(refusals.known(kSeat, kOther));
}

TEST(SeatRefusals, AChangeBetweenTheCounterAndTheRowIsNeverTrusted) {
  ShowVersions versions(false);
  SeatRefusals refusals(versions, milliseconds(1000));
  Teach(refusals, HeldBy(kHolder, kDay));
  versions.bump(kShow);
  SeatRefusals::Before before = refusals.before(kSeat);
  versions.bump(kShow);  // a writer's bump after our counter read, before our row read
  refusals.remember(kSeat, before, HeldBy(kHolder, kDay));
  EXPECT_FALSE(refusals.known(kSeat, kOther));
}

TEST(SeatRefusals, ForgottenAtTheHoldsDeadlineTheShowsStartAndMaxAge) {
  ShowVersions versions(false);
  SeatRefusals by_deadline(versions, milliseconds(1000));
  // Bounds of 0.5 s, checked at once and after 0.6 s: a loaded machine can delay the first
  // checks by far more than a few milliseconds.
  Teach(by_deadline, HeldBy(kHolder, /*held_for_us=*/500'000));
  SeatRefusals by_start(versions, milliseconds(1000));
  Teach(by_start, HeldBy(kHolder, kDay, /*starts_in_us=*/500'000));
  SeatRefusals by_age(versions, milliseconds(500));
  Teach(by_age, SeatSeen{kShow, true, false, 0, 0, kDay});
  EXPECT_TRUE(by_deadline.known(kSeat, kOther));
  EXPECT_TRUE(by_start.known(kSeat, kOther));
  EXPECT_EQ(by_age.known(kSeat, kOther), SeatRefusals::Reason::Sold);
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_FALSE(by_deadline.known(kSeat, kOther));
  EXPECT_FALSE(by_start.known(kSeat, kOther));
  EXPECT_FALSE(by_age.known(kSeat, kOther));
}

TEST(SeatRefusals, AFreeSeatIsNeverRemembered) {
  ShowVersions versions(false);
  SeatRefusals refusals(versions, milliseconds(1000));
  Teach(refusals, SeatSeen{kShow, false, false, 0, 0, kDay});
  EXPECT_FALSE(refusals.known(kSeat, kOther));
}

}  // namespace
}  // namespace seats
