// SPDX-License-Identifier: MIT
// evsel: makes client text safe to relay: valid UTF-8, no control characters but TAB.
#pragma once

#include <string>
#include <string_view>

namespace evsel::chat {

/// The encoding of U+FFFD REPLACEMENT CHARACTER, which stands in for ill-formed UTF-8.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

/// Returns `raw` as valid UTF-8 without control characters, so that one client's text can
/// neither split another client's line (CR, LF; for Unicode-aware viewers also U+2028,
/// U+2029 and NEL), nor drive its terminal (ESC, C1 codes), nor reorder what it shows
/// (the bidi controls).
///
/// - Removed: U+0000-U+001F except TAB, U+007F, U+0080-U+009F (C1, NEL among them, when
///   well-formed), U+2028 and U+2029, and the bidi embedding, override and isolate
///   controls U+202A-U+202E and U+2066-U+2069.
/// - Each maximal ill-formed subsequence becomes one U+FFFD, the practice Unicode recommends
///   (chapter 3, "U+FFFD Substitution of Maximal Subparts"): overlong forms, surrogates
///   (ED A0..BF), code points above U+10FFFF, stray continuation bytes, and sequences cut
///   short by another byte or by the end of `raw`.
/// - Everything else is kept byte for byte. Linear time.
std::string sanitize(std::string_view raw);

/// Returns `text` fit for one line of the server's log, whatever it holds: every byte of a
/// C0 control (TAB too), DEL or ill-formed UTF-8 as \xNN; C1 controls, U+2028, U+2029
/// and the bidi controls sanitize() removes as \u{NNNN}; a backslash as two. Lower-case
/// hex. Everything else is kept byte for byte.
std::string escape_for_log(std::string_view text);

}  // namespace evsel::chat
