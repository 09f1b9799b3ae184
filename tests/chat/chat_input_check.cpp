// SPDX-License-Identifier: MIT
// evsel chat: invariants of the server's input path (see chat_input_check.hpp).
#include "chat_input_check.hpp"

#include <random>
#include <string_view>
#include <type_traits>
#include <variant>

#include "command.hpp"
#include "line_framer.hpp"
#include "text_sanitizer.hpp"

namespace evsel::chat {
namespace {

struct seen_frame {
  frame_kind kind;
  std::string text;
  bool operator==(const seen_frame& o) const { return kind == o.kind && text == o.text; }
};

std::vector<seen_frame> frames_of(std::string_view stream,
                                  std::size_t max_line,
                                  const std::vector<std::size_t>& cuts) {
  line_framer framer(max_line);
  std::vector<seen_frame> frames;
  std::size_t start = 0;
  auto feed = [&](std::string_view chunk) {
    framer.feed(chunk, [&](const frame& f) { frames.push_back({f.kind, std::string(f.text)}); });
  };
  for (std::size_t cut : cuts) {
    if (cut <= start || cut > stream.size()) continue;
    feed(stream.substr(start, cut - start));
    start = cut;
  }
  feed(stream.substr(start));
  return frames;
}

// Length of the valid UTF-8 sequence at `s[i]`, or 0 (RFC 3629: no overlongs, surrogates
// or code points above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3;
    if (b == 0xE0) low = 0xA0;
    if (b == 0xED) high = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4;
    if (b == 0xF0) low = 0x90;
    if (b == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

std::string check_sanitized(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return "sanitized text is not valid UTF-8 at byte " + std::to_string(i);
    const auto b = static_cast<unsigned char>(text[i]);
    if (n == 1 && ((b < 0x20 && b != '\t') || b == 0x7F)) {
      return "sanitized text keeps control byte " + std::to_string(b);
    }
    if (n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      return "sanitized text keeps a C1 control character";
    }
    // U+2028, U+2029, U+202A..U+202E (E2 80 A8..AE) and U+2066..U+2069 (E2 81 A6..A9).
    if (n == 3 && b == 0xE2) {
      const auto second = static_cast<unsigned char>(text[i + 1]);
      const auto third = static_cast<unsigned char>(text[i + 2]);
      if ((second == 0x80 && third >= 0xA8 && third <= 0xAE) ||
          (second == 0x81 && third >= 0xA6 && third <= 0xA9)) {
        return "sanitized text keeps a line separator or bidi control";
      }
    }
    i += n;
  }
  return {};
}

bool has_line_break(const std::string& s) {
  return s.find('\n') != std::string::npos || s.find('\r') != std::string::npos;
}

std::string check_command(const command& parsed) {
  return std::visit(
      [](const auto& c) -> std::string {
        using type = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<type, cmd::error>) {
          if (c.text.rfind("! ", 0) != 0) return "an error without \"! \": " + c.text;
          if (has_line_break(c.text)) return "an error with a line break";
        } else if constexpr (std::is_same_v<type, cmd::message> || std::is_same_v<type, cmd::me>) {
          if (has_line_break(c.text)) return "a message with a line break";
        } else if constexpr (std::is_same_v<type, cmd::nick>) {
          if (has_line_break(c.name) || c.name.empty()) return "a bad nick passed";
        } else if constexpr (std::is_same_v<type, cmd::private_message>) {
          if (has_line_break(c.nick) || has_line_break(c.text)) return "a /msg with a line break";
        } else if constexpr (std::is_same_v<type, cmd::quit>) {
          if (has_line_break(c.reason)) return "a /quit reason with a line break";
        }
        return {};
      },
      parsed);
}

}  // namespace

std::string check_chat_input(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return {};
  const std::size_t max_line = 1 + data[0] % 64;
  std::minstd_rand cutter(data[1] + 1u);
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<std::size_t> chunked, bytewise;
  for (std::size_t at = 0; at < stream.size();) {
    at += 1 + cutter() % 97;
    chunked.push_back(at);
  }
  for (std::size_t at = 1; at < stream.size(); ++at) bytewise.push_back(at);
  const std::vector<seen_frame> whole = frames_of(stream, max_line, {});
  if (frames_of(stream, max_line, chunked) != whole) return "chunks change the frames";
  if (frames_of(stream, max_line, bytewise) != whole) return "byte by byte changes the frames";

  std::size_t line_ends = 0;
  for (char c : stream) line_ends += c == '\n';
  std::size_t overlong_seen = 0;
  for (const seen_frame& f : whole) {
    if (f.kind == frame_kind::overlong) {
      if (!f.text.empty()) return "an overlong frame with text";
      ++overlong_seen;
      continue;
    }
    if (f.text.size() > max_line) return "a line longer than the limit";
    if (f.text.find('\n') != std::string::npos) return "a line holding LF";
    const std::string clean = sanitize(f.text);
    if (std::string why = check_sanitized(clean); !why.empty()) return why;
    if (std::string why = check_command(parse_command(clean)); !why.empty()) return why;
  }
  // Every frame but a trailing overlong one (cut off before its LF) ends at an LF.
  if (whole.size() > line_ends + (overlong_seen > 0 ? 1 : 0)) return "more frames than LFs";
  return {};
}

std::vector<std::uint8_t> chat_input_for_seed(std::uint64_t seed) {
  static constexpr std::string_view pieces[] = {"hello",
                                                " ",
                                                "\n",
                                                "\r\n",
                                                "\r",
                                                std::string_view("\0", 1),
                                                "/nick ",
                                                "/msg ",
                                                "/me ",
                                                "/quit ",
                                                "/who",
                                                "/help",
                                                "//",
                                                "/",
                                                "\t",
                                                "bob",
                                                "\xC3\xA9",
                                                "\xE2\x82\xAC",
                                                "\xF0\x9F\x98\x80",
                                                "\xC0\xAF",
                                                "\xED\xA0\x80",
                                                "\xF4\x90\x80\x80",
                                                "\x80",
                                                "\xFF",
                                                "\x1B[31m",
                                                "\xC2\x85",
                                                "x",
                                                "0123456789abcdef"};
  std::mt19937_64 random(seed);
  std::vector<std::uint8_t> input{static_cast<std::uint8_t>(random()),
                                  static_cast<std::uint8_t>(random())};
  const std::size_t count = 1 + random() % 120;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view piece = pieces[random() % std::size(pieces)];
    input.insert(input.end(), piece.begin(), piece.end());
  }
  return input;
}

}  // namespace evsel::chat
