#pragma once

#include <cstddef>
#include <string>

namespace seats {

// Whether a text field may span lines (a description) or is one line (a title, a name).
enum class Lines { One, Many };

// ASCII whitespace (space, \t, \n, \r, \f, \v) and control characters (below 0x20, and
// DEL), as every text rule of the API counts them.
bool is_space_char(char c);
bool is_control_char(char c);
// `text` without its surrounding whitespace.
std::string trim_space(const std::string& text);

// The rule every free-text field of the API follows: surrounding whitespace trimmed, then
// `min`..`max` characters (code points), no control characters (but newlines and tabs
// when `lines` is Many; a carriage return is refused like any other, since browsers send
// a textarea's line breaks as \n). Returns the value to store or throws ApiError(ValidationFailed)
// naming `field`.
std::string checked_text(const std::string& value, const std::string& field, size_t min, size_t max,
                         Lines lines = Lines::One);

}  // namespace seats
