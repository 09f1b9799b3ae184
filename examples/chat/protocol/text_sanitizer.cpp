// SPDX-License-Identifier: MIT
// evsel: makes client text safe to relay: valid UTF-8, no control characters but TAB.
#include "text_sanitizer.hpp"

#include <cstddef>

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

bool is_removed_ascii(unsigned char byte) noexcept {
  return (byte < 0x20 && byte != '\t') || byte == 0x7F;
}

}  // namespace

std::string sanitize(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  std::size_t i = 0;
  while (i < raw.size()) {
    const auto lead = static_cast<unsigned char>(raw[i]);
    if (lead < 0x80) {
      if (!is_removed_ascii(lead)) out.push_back(raw[i]);
      ++i;
      continue;
    }
    const sequence_shape shape = shape_of(lead);
    if (shape.trailing == 0) {  // a byte that can never start a character
      out.append(replacement_character);
      ++i;
      continue;
    }
    // Take continuation bytes while they can still complete a well-formed sequence; the bytes
    // taken are then either one character or one maximal subpart, and the first byte refused
    // starts the next round (it may be a valid lead or ASCII).
    std::size_t length = 1;
    while (length <= shape.trailing && i + length < raw.size()) {
      const auto byte = static_cast<unsigned char>(raw[i + length]);
      if (!in(length == 1 ? shape.second : any_continuation, byte)) break;
      ++length;
    }
    if (length != shape.trailing + 1) {
      out.append(replacement_character);
    } else if (!(lead == 0xC2 && static_cast<unsigned char>(raw[i + 1]) <= 0x9F)) {
      // Kept: well-formed and not one of C2 80..C2 9F, the C1 controls U+0080..U+009F.
      out.append(raw.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace evsel::chat
