#pragma once

#include <string_view>

namespace seats {

// True when `text` is exactly one number as RFC 8259 (section 6) writes it:
//   number = [ "-" ] int [ frac ] [ exp ]
//   int    = "0" / ( digit1-9 *DIGIT )
//   frac   = "." 1*DIGIT
//   exp    = ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT
// Only the grammar: whether the value fits a double or an int64 is jansson's business. One
// pass with no recursion or allocation, so a literal as long as a whole body costs the
// stack "1" does (std::regex took about 315 bytes of stack per character).
bool is_json_number(std::string_view text);

}  // namespace seats
