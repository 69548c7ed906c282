#include "queue/turn_hint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace seats {
namespace {

constexpr double kUntilSale = 5.5;

// `joined` draws (fixed seed), their positions as sealing gives them (the order of the
// draws), and each one's hint with the whole crowd known.
struct Crowd {
  std::vector<double> quantiles;
  std::vector<int64_t> positions;
};

Crowd Draw(int64_t joined, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  Crowd c;
  for (int64_t i = 0; i < joined; ++i) c.quantiles.push_back(unit(rng));
  std::vector<size_t> order(c.quantiles.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return c.quantiles[a] < c.quantiles[b]; });
  c.positions.resize(order.size());
  for (size_t p = 0; p < order.size(); ++p) c.positions[order[p]] = static_cast<int64_t>(p) + 1;
  return c;
}

double TurnAfter(int64_t position, int64_t rate) {
  return kUntilSale + static_cast<double>(position - 1) / static_cast<double>(rate);
}

TEST(TurnHint, NobodyIsToldToComeBackAfterTheirTurn) {
  for (int64_t joined : {1, 10, 40, 500, 5000, 20000}) {
    for (int64_t rate : {1, 5, 50, 1000}) {
      Crowd c = Draw(joined, static_cast<uint64_t>(joined * 7919 + rate));
      for (size_t i = 0; i < c.quantiles.size(); ++i) {
        auto ask = static_cast<double>(ask_again_after_s(kUntilSale, rate, joined, c.quantiles[i]));
        double turn = TurnAfter(c.positions[i], rate);
        // The one allowed lateness: a turn in the sale's first second, asked for at its end.
        EXPECT_LE(ask, std::max(turn, std::ceil(kUntilSale)))
            << joined << " joined, rate " << rate << ", position " << c.positions[i];
        EXPECT_GE(ask, std::ceil(kUntilSale)) << "never before the sale";
      }
    }
  }
}

TEST(TurnHint, AnOnSaleCrowdAsksNearItsTurnsAndNotAllAtTheSale) {
  const int64_t joined = 20000, rate = 50;
  Crowd c = Draw(joined, 1);
  size_t in_first_ten_seconds = 0;
  for (size_t i = 0; i < c.quantiles.size(); ++i) {
    auto ask = static_cast<double>(ask_again_after_s(kUntilSale, rate, joined, c.quantiles[i]));
    double turn = TurnAfter(c.positions[i], rate);
    // Asked five spreads (at most 354 places, 7.1 s at 50 a second) and 1 s early, plus
    // however far the rank itself fell behind its estimate.
    EXPECT_GE(ask, turn - 15) << "position " << c.positions[i];
    if (ask < kUntilSale + 10) ++in_first_ten_seconds;
  }
  // 500 turns come in the first ten seconds; about 730 of 20,000 are asked for in them.
  EXPECT_LT(in_first_ten_seconds, c.quantiles.size() / 20);
  EXPECT_GT(in_first_ten_seconds, 500U);
}

TEST(TurnHint, ACrowdCountedEarlyOnlyMakesTheHintEarlier) {
  for (double q : {0.0001, 0.01, 0.3, 0.5, 0.9, 0.9999}) {
    int64_t previous = 0;
    for (int64_t joined = 1; joined <= 40000; joined = joined * 3 / 2 + 1) {
      int64_t ask = ask_again_after_s(kUntilSale, 50, joined, q);
      EXPECT_GE(ask, previous) << "quantile " << q << ", " << joined << " joined";
      previous = ask;
    }
  }
}

TEST(TurnHint, ASaleFarAheadIsVisitedAgainShortlyBeforeIt) {
  for (double q : {0.0, 0.5, 1.0}) {
    int64_t ask = ask_again_after_s(600, 50, 20000, q);
    EXPECT_GE(ask, 600 - 41) << q;
    EXPECT_LE(ask, 600 - 20) << q;
  }
  EXPECT_NE(ask_again_after_s(600, 50, 20000, 0.1), ask_again_after_s(600, 50, 20000, 0.9))
      << "spread by the draw";
  EXPECT_EQ(ask_again_after_s(30, 50, 1, 0.5), 30) << "a lone joiner asks at the sale";
}

}  // namespace
}  // namespace seats
