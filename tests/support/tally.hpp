// Answers of many requests counted by kind, for the failure message of a race test.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/client.hpp"

namespace seats_test {

// Answers grouped as "200", "409 seat_unavailable", "500" ...; the first of each kept.
struct Tally {
  std::map<std::string, int> counts;
  std::map<std::string, std::string> examples;

  void Add(const Response& r) {
    std::string kind = std::to_string(r.status);
    if (r.media_type() == "application/problem+json") kind += " " + r.json["code"].string();
    ++counts[kind];
    examples.emplace(kind, r.describe());
  }
  int Count(const std::string& kind) const {
    const auto it = counts.find(kind);
    return it == counts.end() ? 0 : it->second;
  }
  int ServerErrors() const {
    int n = 0;
    for (const auto& [kind, count] : counts) n += kind[0] == '5' || kind[0] == '0' ? count : 0;
    return n;
  }
  std::string Describe() const {
    std::string out = "answers:";
    for (const auto& [kind, count] : counts) out += " [" + kind + "] x" + std::to_string(count);
    for (const auto& [kind, example] : examples) out += "\n  e.g. " + example;
    return out;
  }
};

inline Tally TallyOf(const std::vector<Response>& answers) {
  Tally t;
  for (const auto& r : answers) t.Add(r);
  return t;
}

}  // namespace seats_test
