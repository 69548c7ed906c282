// The number-grammar check (http/json_number) against three references. Any disagreement
// traps:
// - the grammar as a std::regex, on inputs short enough for its recursion (the reason the
//   check is a loop: the regex needs ~315 bytes of stack per character);
// - jansson, for inputs made only of number characters: "[text]" parses exactly when text
//   is one number that fits a double, so a parse means the check must accept, and a refusal
//   other than an overflow means it must refuse;
// - strtod, which takes every JSON number (and more): an accepted text is consumed whole.
#include <jansson.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>

#include "http/json_number.hpp"

namespace {

constexpr std::size_t kRegexMaxLength = 256;

bool only_number_characters(const std::string& text) {
  return text.find_first_not_of("0123456789+-.eE") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::regex grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool accepted = seats::is_json_number(text);

  if (text.size() <= kRegexMaxLength && accepted != std::regex_match(text, grammar)) {
    __builtin_trap();
  }

  if (!text.empty() && only_number_characters(text)) {
    const std::string array = "[" + text + "]";
    json_error_t error;
    json_t* root = json_loadb(array.data(), array.size(), 0, &error);
    const bool parsed = root != nullptr;
    json_decref(root);
    if (parsed && !accepted) __builtin_trap();
    if (!parsed && accepted && json_error_code(&error) != json_error_numeric_overflow) {
      __builtin_trap();
    }
  }

  if (accepted) {
    char* end = nullptr;
    errno = 0;
    std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) __builtin_trap();
  }
  return 0;
}
