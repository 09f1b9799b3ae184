// SPDX-License-Identifier: MIT
// evsel chat: the server's input path (framing, sanitizing, command parsing) run on
// arbitrary bytes with its invariants checked; shared by the libFuzzer target and the
// fixed-seed unit test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace evsel::chat {

// Byte 0 picks the line limit (1-64, small so that overlong lines are common), byte 1 how
// the rest is cut into chunks; the rest is the stream. Returns the first broken invariant,
// or an empty string:
// - the frames are the same whether the stream comes whole, in chunks or byte by byte;
// - a line holds at most the limit, and no LF; an overlong frame has no text; there are no
//   more frames than LFs;
// - a sanitized line is valid UTF-8 with no control character but TAB (so no CR/LF
//   injection, no NUL), and no line separator or bidi control;
// - parsing never throws, an error starts with "! ", and no parsed string holds CR or LF.
std::string check_chat_input(const std::uint8_t* data, std::size_t size);

// The fixed-seed corpus's input for `seed`: a mix of text, line ends, CR, NUL, slashes,
// commands and bytes of broken UTF-8.
std::vector<std::uint8_t> chat_input_for_seed(std::uint64_t seed);

}  // namespace evsel::chat
