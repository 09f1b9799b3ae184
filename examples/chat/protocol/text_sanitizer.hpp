// SPDX-License-Identifier: MIT
// evsel: makes client text safe to relay: valid UTF-8, no control characters but TAB.
#pragma once

#include <string>
#include <string_view>

namespace evsel::chat {

/// The encoding of U+FFFD REPLACEMENT CHARACTER, which stands in for ill-formed UTF-8.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

/// Returns `raw` as valid UTF-8 without control characters, so that one client's text can
/// neither split another client's line (CR, LF) nor drive its terminal (ESC, C1 codes).
///
/// - Removed: U+0000-U+001F except TAB, U+007F, and U+0080-U+009F (C1, when well-formed).
/// - Each maximal ill-formed subsequence becomes one U+FFFD, the practice Unicode recommends
///   (chapter 3, "U+FFFD Substitution of Maximal Subparts"): overlong forms, surrogates
///   (ED A0..BF), code points above U+10FFFF, stray continuation bytes, and sequences cut
///   short by another byte or by the end of `raw`.
/// - Everything else is kept byte for byte. Linear time.
std::string sanitize(std::string_view raw);

}  // namespace evsel::chat
