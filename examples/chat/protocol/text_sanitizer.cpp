// SPDX-License-Identifier: MIT
// evsel: makes client text safe to relay (valid UTF-8, no control characters but TAB, no
// line separators or bidi controls) and any text safe to log.
#include "text_sanitizer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace evsel::chat {
namespace {

struct byte_range {
  unsigned char low;
  unsigned char high;
};

// The shape of a well-formed sequence given its lead byte (Unicode Table 3-7): how many
// bytes follow and which values the first of them may take. Restricting the second byte is
// what excludes overlong forms, surrogates and code points above U+10FFFF. Zero trailing
// bytes means the lead itself is ill-formed (80..C1, F5..FF).
struct sequence_shape {
  std::size_t trailing;
  byte_range second;
};

constexpr byte_range any_continuation{0x80, 0xBF};

sequence_shape shape_of(unsigned char lead) noexcept {
  if (lead >= 0xC2 && lead <= 0xDF) return {1, any_continuation};
  if (lead == 0xE0) return {2, {0xA0, 0xBF}};  // below A0: overlong
  if (lead == 0xED) return {2, {0x80, 0x9F}};  // above 9F: surrogates D800..DFFF
  if (lead >= 0xE1 && lead <= 0xEF) return {2, any_continuation};
  if (lead == 0xF0) return {3, {0x90, 0xBF}};  // below 90: overlong
  if (lead == 0xF4) return {3, {0x80, 0x8F}};  // above 8F: beyond U+10FFFF
  if (lead >= 0xF1 && lead <= 0xF3) return {3, any_continuation};
  return {0, any_continuation};
}

bool in(byte_range range, unsigned char byte) noexcept {
  return byte >= range.low && byte <= range.high;
}

// One step through UTF-8: a character, or one maximal ill-formed subpart ("U+FFFD
// Substitution of Maximal Subparts", Unicode chapter 3), which the callers replace or
// escape as a whole.
struct utf8_step {
  std::size_t length;  // bytes taken, at least 1
  bool well_formed;
  std::uint32_t code_point;  // when well_formed
};

utf8_step step_at(std::string_view text, std::size_t i) noexcept {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return {1, true, lead};
  const sequence_shape shape = shape_of(lead);
  if (shape.trailing == 0) return {1, false, 0};  // a byte that can never start a character
  // Take continuation bytes while they can still complete a well-formed sequence; the first
  // byte refused starts the next step (it may be a valid lead or ASCII).
  std::uint32_t code_point = lead & (0x3Fu >> shape.trailing);
  std::size_t length = 1;
  while (length <= shape.trailing && i + length < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i + length]);
    if (!in(length == 1 ? shape.second : any_continuation, byte)) break;
    code_point = (code_point << 6) | (byte & 0x3Fu);
    ++length;
  }
  if (length != shape.trailing + 1) return {length, false, 0};
  return {length, true, code_point};
}

// C0 controls but TAB, DEL, and the C1 controls U+0080..U+009F (NEL, U+0085, among them).
bool is_control(std::uint32_t c) noexcept {
  return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
}

// What Unicode-aware viewers take as a line end (U+2028 LINE SEPARATOR, U+2029 PARAGRAPH
// SEPARATOR) or as an instruction to reorder the text after it: the bidi embeddings and
// overrides U+202A..U+202E and isolates U+2066..U+2069, the characters of "Trojan Source"
// (CVE-2021-42574). The marks (U+200E, U+200F, U+061C) reorder nothing beyond themselves.
bool is_layout_control(std::uint32_t c) noexcept {
  return c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

std::string sanitize(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    const utf8_step step = step_at(raw, i);
    if (!step.well_formed) {
      out.append(replacement_character);
    } else if (!is_control(step.code_point) && !is_layout_control(step.code_point)) {
      out.append(raw.substr(i, step.length));
    }
    i += step.length;
  }
  return out;
}

std::string escape_for_log(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char escape[16];
  for (std::size_t i = 0; i < text.size();) {
    const utf8_step step = step_at(text, i);
    // TAB too: a log line is read by tools that split on it.
    const bool ascii_control = step.length == 1 && (is_control(step.code_point) || text[i] == '\t');
    if (!step.well_formed || ascii_control) {
      for (std::size_t k = 0; k < step.length; ++k) {
        std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(text[i + k]));
        out.append(escape);
      }
    } else if (is_control(step.code_point) || is_layout_control(step.code_point)) {
      std::snprintf(escape, sizeof escape, "\\u{%04x}", static_cast<unsigned>(step.code_point));
      out.append(escape);
    } else if (text[i] == '\\') {
      out.append("\\\\");  // so that an escape in the log always means one
    } else {
      out.append(text.substr(i, step.length));
    }
    i += step.length;
  }
  return out;
}

}  // namespace evsel::chat
