// The idempotency canonicaliser: the form whose digest identifies "the same request" for an
// Idempotency-Key. Whatever body is accepted, its canonical form must itself be an accepted
// body with the same canonical form (so a client that replays what it serialised from our
// parse gets the same digest), and must stay within a small multiple of the input (it is
// sent to the database to be hashed; jansson re-serialises 0.1 as 0.10000000000000001).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "http/json.hpp"
#include "http/problem.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string canonical;
  try {
    canonical = seats::JsonBody::parse(input).canonical();
  } catch (const seats::ApiError&) {
    return 0;  // refused bodies never reach the idempotency store
  }
  std::string again;
  try {
    again = seats::JsonBody::parse(canonical).canonical();
  } catch (const seats::ApiError& e) {
    std::fprintf(stderr, "canonical form refused (%s): %s\n", e.what(), canonical.c_str());
    std::abort();
  }
  if (again != canonical) {
    std::fprintf(stderr, "canonical form not stable:\n  %s\n  %s\n", canonical.c_str(),
                 again.c_str());
    std::abort();
  }
  // The shortest number that grows the most: "0.1" (3 bytes) becomes 19.
  if (canonical.size() > 7 * size + 16) {
    std::fprintf(stderr, "canonical form of %zu bytes from %zu\n", canonical.size(), size);
    std::abort();
  }
  return 0;
}
