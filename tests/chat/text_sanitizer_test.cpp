// SPDX-License-Identifier: MIT
// evsel: unit tests of the chat text sanitizer: control characters and ill-formed UTF-8.
#include "text_sanitizer.hpp"

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "support/catch.hpp"

namespace {

using evsel::chat::escape_for_log;
using evsel::chat::sanitize;

// Literals are split wherever a hex escape is followed by a character that is a hex digit.
const std::string r = "\xEF\xBF\xBD";  // U+FFFD

std::string rs(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += r;
  return out;
}

// A second, independent reading of UTF-8 (by code point value rather than by byte ranges):
// true if `text` is well-formed and holds no character sanitize() must remove.
bool clean_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t length = 1;
    std::uint32_t cp = lead;
    if (lead >= 0x80) {
      if ((lead & 0xE0) == 0xC0) {
        length = 2;
        cp = lead & 0x1Fu;
      } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        cp = lead & 0x0Fu;
      } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        cp = lead & 0x07u;
      } else {
        return false;
      }
      if (i + length > text.size()) return false;
      for (std::size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<std::uint8_t>(text[i + k]);
        if ((byte & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (byte & 0x3Fu);
      }
      constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    }
    if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F)) return false;
    if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

TEST_CASE("Printable ASCII passes through unchanged", "[chat][sanitize]") {
  const std::string text = "Hello, world! 1 + 1 = 2 ~ {ok} /path";
  CHECK(sanitize(text) == text);
  CHECK(sanitize("").empty());
}

TEST_CASE("NUL bytes are removed", "[chat][sanitize]") {
  CHECK(sanitize(std::string("a\0b\0\0c", 6)) == "abc");
  CHECK(sanitize(std::string(5, '\0')).empty());
}

TEST_CASE("TAB is the one control character kept", "[chat][sanitize]") {
  CHECK(sanitize("a\tb\t") == "a\tb\t");
}

TEST_CASE("Every other C0 control character is removed", "[chat][sanitize]") {
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\t') continue;
    INFO("byte " << c);
    CHECK(sanitize(std::string("x") + static_cast<char>(c) + "y") == "xy");
  }
}

TEST_CASE("CR and LF are removed so a message cannot split into two lines", "[chat][sanitize]") {
  CHECK(sanitize("a\rb") == "ab");
  CHECK(sanitize("a\nb") == "ab");
  CHECK(sanitize("one\r\n:evil two\r\n") == "one:evil two");
}

TEST_CASE("Terminal escape sequences lose their ESC byte", "[chat][sanitize]") {
  CHECK(sanitize("\x1b[2J\x1b]0;title\x07") == "[2J]0;title");
}

TEST_CASE("DEL is removed", "[chat][sanitize]") {
  CHECK(sanitize("a\x7f"
                 "b\x7f") == "ab");
}

TEST_CASE("The C1 controls U+0080 to U+009F are removed", "[chat][sanitize]") {
  for (int second = 0x80; second <= 0x9F; ++second) {
    INFO("C2 " << second);
    const std::string c1 = std::string("\xC2") + static_cast<char>(second);
    CHECK(sanitize("x" + c1 + "y") == "xy");
  }
  CHECK(sanitize("\xC2\x9B"
                 "31m") == "31m");  // CSI, the 8-bit form of ESC [
}

TEST_CASE("U+00A0 and later Latin-1 characters are kept", "[chat][sanitize]") {
  CHECK(sanitize("\xC2\xA0") == "\xC2\xA0");
  CHECK(sanitize("caf\xC3\xA9") == "caf\xC3\xA9");  // café
  CHECK(sanitize("\xC3\xBF") == "\xC3\xBF");
}

TEST_CASE("Valid multibyte characters are kept byte for byte", "[chat][sanitize]") {
  const std::string samples[] = {
      "\xE6\x97\xA5\xE6\x9C\xAC",  // 日本
      "\xF0\x9F\x98\x80",          // U+1F600 grinning face
      "\xE0\xA0\x80",              // U+0800, the smallest three-byte character
      "\xED\x9F\xBF",              // U+D7FF, just below the surrogates
      "\xEE\x80\x80",              // U+E000, just above them
      "\xEF\xBF\xBD",              // U+FFFD itself
      "\xF0\x90\x80\x80",          // U+10000, the smallest four-byte character
      "\xF4\x8F\xBF\xBF",          // U+10FFFF, the largest code point
      "\xE2\x80\xA7",              // U+2027, next to U+2028 (removed, see below)
  };
  for (const std::string& s : samples) CHECK(sanitize(s) == s);
  CHECK(sanitize("h\xC3\xA9llo \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80!") ==
        "h\xC3\xA9llo \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80!");
}

TEST_CASE("Each stray continuation byte becomes one U+FFFD", "[chat][sanitize]") {
  CHECK(sanitize("\x80") == r);
  CHECK(sanitize("\x80\xBF") == rs(2));
  CHECK(sanitize("a\x80"
                 "b") == "a" + r + "b");
  CHECK(sanitize("\xC3\xA9\xA9") == "\xC3\xA9" + r);
}

TEST_CASE("Each byte that can never start a character becomes one U+FFFD", "[chat][sanitize]") {
  for (int lead : {0xC0, 0xC1, 0xF5, 0xF8, 0xFC, 0xFE, 0xFF}) {
    INFO("byte " << lead);
    CHECK(sanitize(std::string(1, static_cast<char>(lead))) == r);
  }
  CHECK(sanitize("\xFE\xFF") == rs(2));
}

TEST_CASE("Overlong encodings become one U+FFFD per byte", "[chat][sanitize]") {
  CHECK(sanitize("\xC0\xAF") == rs(2));  // '/' in two bytes
  CHECK(sanitize("\xC0\x80") == rs(2));  // NUL in two bytes (modified UTF-8)
  CHECK(sanitize("\xC1\xBF") == rs(2));
  CHECK(sanitize("\xE0\x80\xAF") == rs(3));      // '/' in three bytes
  CHECK(sanitize("\xE0\x9F\xBF") == rs(3));      // U+07FF in three bytes
  CHECK(sanitize("\xF0\x80\x80\xAF") == rs(4));  // '/' in four bytes
  CHECK(sanitize("\xF0\x8F\xBF\xBF") == rs(4));  // U+FFFF in four bytes
}

TEST_CASE("UTF-8 encoded surrogates become one U+FFFD per byte", "[chat][sanitize]") {
  CHECK(sanitize("\xED\xA0\x80") == rs(3));              // U+D800
  CHECK(sanitize("\xED\xBF\xBF") == rs(3));              // U+DFFF
  CHECK(sanitize("\xED\xA0\xBD\xED\xB8\x80") == rs(6));  // a CESU-8 surrogate pair
  CHECK(sanitize("a\xED\xB0\x80"
                 "b") == "a" + rs(3) + "b");
}

TEST_CASE("Code points above U+10FFFF become one U+FFFD per byte", "[chat][sanitize]") {
  CHECK(sanitize("\xF4\x90\x80\x80") == rs(4));  // U+110000
  CHECK(sanitize("\xF4\xBF\xBF\xBF") == rs(4));
  CHECK(sanitize("\xF5\x80\x80\x80") == rs(4));
  CHECK(sanitize("\xF7\xBF\xBF\xBF") == rs(4));
}

TEST_CASE("A sequence cut short by the end of the text becomes one U+FFFD", "[chat][sanitize]") {
  CHECK(sanitize("a\xC3") == "a" + r);
  CHECK(sanitize("\xE6\x97") == r);  // 日 without its last byte
  CHECK(sanitize("\xE6") == r);
  CHECK(sanitize("\xF0\x9F\x98") == r);  // an emoji without its last byte
  CHECK(sanitize("\xF0\x9F") == r);
  CHECK(sanitize("\xF4\x8F\xBF") == r);
  CHECK(sanitize("\xC2") == r);  // a C1 control cut short is ill-formed, not C1
}

TEST_CASE("A sequence cut short by another byte becomes one U+FFFD before it", "[chat][sanitize]") {
  CHECK(sanitize("\xE6\x97"
                 "A") == r + "A");
  CHECK(sanitize("\xF0\x9F\x98"
                 " ok") == r + " ok");
  CHECK(sanitize("\xE2\x82\xE2\x82\xAC") == r + "\xE2\x82\xAC");  // cut short, then a euro sign
  CHECK(sanitize("\xF0\x9F\xC3\xA9") == r + "\xC3\xA9");
  CHECK(sanitize("\xC3\n") == r);  // the LF that cut it short is removed as usual
}

TEST_CASE("The maximal subpart example of the Unicode standard gives its documented result",
          "[chat][sanitize]") {
  // The Unicode Standard, chapter 3, table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
  CHECK(sanitize("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64") ==
        "a" + rs(3) + "b" + r + "c" + rs(2) + "d");
}

TEST_CASE("Output for random bytes is clean UTF-8 and sanitizing it again changes nothing",
          "[chat][sanitize]") {
  std::mt19937 random(20240517);  // fixed seed: a failure reproduces
  std::uniform_int_distribution<int> length(0, 48);
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::uniform_int_distribution<int> high_byte(0x80, 0xFF);
  for (int round = 0; round < 5000; ++round) {
    std::string raw;
    const int n = length(random);
    // Mostly high bytes, so that near-valid sequences are common.
    for (int i = 0; i < n; ++i)
      raw += static_cast<char>(i % 3 == 0 ? any_byte(random) : high_byte(random));
    const std::string out = sanitize(raw);
    INFO("round " << round);
    REQUIRE(clean_utf8(out));
    REQUIRE(sanitize(out) == out);
  }
}

TEST_CASE("A long ill-formed input is replaced in full", "[chat][sanitize]") {
  const std::string raw(1024 * 1024, '\x80');
  const std::string out = sanitize(raw);
  CHECK(out.size() == 3 * raw.size());
  CHECK(out.compare(0, 6, rs(2)) == 0);
  CHECK(clean_utf8(out));
}

// Viewers that honour Unicode line breaking end a line at U+2028, U+2029 and U+0085 (NEL),
// and the bidi controls reorder what follows them: relayed, either would let one client
// forge what looks like another line, or hide what its line says (CVE-2021-42574).
TEST_CASE("Unicode line and paragraph separators are removed", "[chat][sanitize]") {
  CHECK(sanitize("hi\xE2\x80\xA8<bob> forged") == "hi<bob> forged");
  CHECK(sanitize("hi\xE2\x80\xA9<bob> forged") == "hi<bob> forged");
  CHECK(sanitize("hi\xC2\x85<bob> forged") == "hi<bob> forged");
}

TEST_CASE("The bidi embedding, override and isolate controls are removed", "[chat][sanitize]") {
  for (unsigned third = 0xAA; third <= 0xAE; ++third) {  // U+202A..U+202E
    const std::string control = std::string("\xE2\x80") + static_cast<char>(third);
    CHECK(sanitize("a" + control + "b") == "ab");
  }
  for (unsigned third = 0xA6; third <= 0xA9; ++third) {  // U+2066..U+2069
    const std::string control = std::string("\xE2\x81") + static_cast<char>(third);
    CHECK(sanitize("a" + control + "b") == "ab");
  }
}

TEST_CASE("Characters next to the removed ones are kept", "[chat][sanitize]") {
  // U+2027 HYPHENATION POINT, U+202F NARROW NO-BREAK SPACE, U+2065 (unassigned), U+206A,
  // U+200E LEFT-TO-RIGHT MARK (a mark, not an embedding: it reorders nothing after it).
  for (const std::string kept :
       {"\xE2\x80\xA7", "\xE2\x80\xAF", "\xE2\x81\xA5", "\xE2\x81\xAA", "\xE2\x80\x8E"}) {
    CHECK(sanitize("a" + kept + "b") == "a" + kept + "b");
  }
}

TEST_CASE("A log line shows control and line-breaking characters as escapes", "[chat][sanitize]") {
  CHECK(escape_for_log("connect 127.0.0.1:5 as guest1") == "connect 127.0.0.1:5 as guest1");
  CHECK(escape_for_log("caf\xC3\xA9 \xE4\xB8\xAD") == "caf\xC3\xA9 \xE4\xB8\xAD");
  CHECK(escape_for_log("a\nb\rc\td") == "a\\x0ab\\x0dc\\x09d");
  CHECK(escape_for_log("back\\slash") == "back\\\\slash");
  CHECK(escape_for_log("x\x7Fy") == "x\\x7fy");
  CHECK(escape_for_log("x\xC2\x85y") == "x\\u{0085}y");
  CHECK(escape_for_log("x\xE2\x80\xA8y\xE2\x80\xA9z") == "x\\u{2028}y\\u{2029}z");
  CHECK(escape_for_log("x\xE2\x80\xAEy\xE2\x81\xA6z") == "x\\u{202e}y\\u{2066}z");
  // Ill-formed bytes, which the server never writes, would still not reach the log raw.
  CHECK(escape_for_log("x\xFFy\xE2\x80") == "x\\xffy\\xe2\\x80");
}

TEST_CASE("An escaped log line holds only printable ASCII and kept characters",
          "[chat][sanitize]") {
  std::mt19937_64 random(20261207);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string raw(static_cast<std::size_t>(byte(random) % 64), '\0');
    for (char& c : raw) c = static_cast<char>(byte(random));
    const std::string escaped = escape_for_log(raw);
    INFO("round " << round);
    // Nothing a terminal or a Unicode-aware viewer would take as a line break or reordering.
    CHECK(clean_utf8(escaped));
    CHECK(escaped.find('\t') == std::string::npos);
  }
}
