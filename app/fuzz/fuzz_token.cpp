// Arbitrary bytes as an Authorization header: libjwt's decoder plus our algorithm,
// expiry and claim-type checks. Only the token we issued ourselves may verify.
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const seats::TokenService tokens("fuzzing-secret-that-is-at-least-32-bytes", 3600);
  std::string header(reinterpret_cast<const char*>(data), size);
  auto user = tokens.verify_header(header, 1'700'000'000);
  if (user && *user < 1) __builtin_trap();
  return 0;
}
