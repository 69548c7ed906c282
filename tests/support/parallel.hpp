// Many requests at the same moment: one thread and one Client (own source address unless a
// fixed one is given) per request, released together by a latch.
#pragma once

#include <algorithm>
#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "support/client.hpp"
#include "support/env.hpp"

namespace seats_test {

// How many requests at once reach every worker of the main pool: several per worker
// (stack.env's WORKERS). Tests of what each worker remembers send that many together.
inline int OnEveryWorker() { return std::max(24, 3 * EnvInt("WORKERS", 4)); }

// Runs fn(i, client) for i in [0, n) on n threads that start together; returns the answers
// in order of i. Every thread uses source_address when it is not empty.
inline std::vector<Response> RunTogether(int n, const std::function<Response(int, Client&)>& fn,
                                         const std::string& source_address = {}) {
  std::vector<Response> out(static_cast<std::size_t>(n));
  std::latch ready(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Client c = source_address.empty() ? Client() : Client(source_address);
      ready.arrive_and_wait();
      out[static_cast<std::size_t>(i)] = fn(i, c);
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace seats_test
