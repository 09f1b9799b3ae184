// SPDX-License-Identifier: MIT
// evsel: unit tests of the chat line framer: terminators, chunk boundaries, the line limit.
#include "line_framer.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"

namespace {

using evsel::chat::frame;
using evsel::chat::frame_kind;
using evsel::chat::line_framer;
using outcomes = std::vector<std::string>;

// Each outcome as text: the line itself, or "<overlong>".
void collect(line_framer& framer, std::string_view chunk, outcomes& out) {
  framer.feed(chunk, [&](const frame& f) {
    out.push_back(f.kind == frame_kind::overlong ? std::string("<overlong>") : std::string(f.text));
  });
}

outcomes feed_whole(line_framer& framer, std::string_view bytes) {
  outcomes out;
  collect(framer, bytes, out);
  return out;
}

outcomes feed_bytewise(line_framer& framer, std::string_view bytes) {
  outcomes out;
  for (std::size_t i = 0; i < bytes.size(); ++i) collect(framer, bytes.substr(i, 1), out);
  return out;
}

}  // namespace

TEST_CASE("Lines ending in LF come out in order without the terminator", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "hello\nworld\n") == outcomes{"hello", "world"});
  CHECK(framer.pending() == 0);
}

TEST_CASE("CRLF ends a line and the CR is dropped", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "one\r\ntwo\r\n") == outcomes{"one", "two"});
}

TEST_CASE("Only the CR right before LF is dropped and other CRs stay content", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "a\rb\r\r\n\r\n") == outcomes{"a\rb\r", ""});
}

TEST_CASE("Empty lines are reported as empty lines", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "\n\r\n\n") == outcomes{"", "", ""});
}

TEST_CASE("A line without its LF is held until the LF arrives", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "hel").empty());
  CHECK(framer.pending() == 3);
  CHECK(feed_whole(framer, "lo").empty());
  CHECK(framer.pending() == 5);
  CHECK(feed_whole(framer, "\nnext") == outcomes{"hello"});
  CHECK(framer.pending() == 4);
}

TEST_CASE("A CRLF split between two chunks still ends the line", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "abc\r").empty());
  CHECK(framer.pending() == 4);
  CHECK(feed_whole(framer, "\ndef\n") == outcomes{"abc", "def"});
}

TEST_CASE("A CR at a chunk end that is not followed by LF is content", "[chat][framer]") {
  line_framer framer;
  CHECK(feed_whole(framer, "abc\r").empty());
  CHECK(feed_whole(framer, "x\n") == outcomes{"abc\rx"});
  CHECK(feed_whole(framer, "\r").empty());
  CHECK(feed_whole(framer, "\r\n") == outcomes{"\r"});
}

TEST_CASE("Feeding byte by byte gives the same lines as feeding at once", "[chat][framer]") {
  const std::string_view stream = "first\r\nsecond\n\nthird\r\r\nlast\n";
  line_framer whole;
  line_framer bytewise;
  const outcomes expected{"first", "second", "", "third\r", "last"};
  CHECK(feed_whole(whole, stream) == expected);
  CHECK(feed_bytewise(bytewise, stream) == expected);
}

TEST_CASE("Every way of cutting a stream in two gives the same lines", "[chat][framer]") {
  const std::string_view stream = "ab\r\ncd\n\r\nxyz\rw\n";
  const outcomes expected{"ab", "cd", "", "xyz\rw"};
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    line_framer framer;
    outcomes out;
    collect(framer, stream.substr(0, cut), out);
    collect(framer, stream.substr(cut), out);
    INFO("cut at " << cut);
    CHECK(out == expected);
  }
}

TEST_CASE("A line of exactly max_line bytes is accepted with LF or CRLF", "[chat][framer]") {
  line_framer framer(8);
  CHECK(feed_whole(framer, "12345678\n12345678\r\n") == outcomes{"12345678", "12345678"});
  CHECK(feed_bytewise(framer, "12345678\r\n") == outcomes{"12345678"});
}

TEST_CASE("A line of max_line plus one bytes is overlong", "[chat][framer]") {
  line_framer framer(8);
  CHECK(feed_whole(framer, "123456789\nok\n") == outcomes{"<overlong>", "ok"});
}

TEST_CASE("A CR after max_line bytes that does not precede LF makes the line overlong",
          "[chat][framer]") {
  line_framer framer(8);
  CHECK(feed_whole(framer, "12345678\r").empty());
  CHECK(framer.pending() == 9);
  CHECK(feed_whole(framer, "x\nok\n") == outcomes{"<overlong>", "ok"});
}

TEST_CASE("An overlong line sent whole gives one overlong outcome and the next line intact",
          "[chat][framer]") {
  line_framer framer(16);
  const std::string stream = std::string(100, 'x') + "\r\nafter\n";
  CHECK(feed_whole(framer, stream) == outcomes{"<overlong>", "after"});
  CHECK(framer.pending() == 0);
  CHECK_FALSE(framer.skipping());
}

TEST_CASE("An overlong line sent byte by byte gives one overlong outcome and the next line intact",
          "[chat][framer]") {
  line_framer framer(16);
  const std::string stream = std::string(100, 'x') + "\r\nafter\n";
  CHECK(feed_bytewise(framer, stream) == outcomes{"<overlong>", "after"});
}

TEST_CASE("The overlong outcome comes as soon as the limit is passed", "[chat][framer]") {
  line_framer framer(4);
  CHECK(feed_whole(framer, "1234").empty());
  CHECK(feed_whole(framer, "5") == outcomes{"<overlong>"});
  CHECK(framer.skipping());
  CHECK(framer.pending() == 0);
  CHECK(feed_whole(framer, "678\r").empty());
  CHECK(feed_whole(framer, "\nnext\n") == outcomes{"next"});
}

TEST_CASE("Consecutive overlong lines each give one overlong outcome", "[chat][framer]") {
  line_framer framer(3);
  CHECK(feed_whole(framer, "aaaa\nbbbbbbbb\ncc\ndddd") ==
        outcomes{"<overlong>", "<overlong>", "cc", "<overlong>"});
  CHECK(feed_whole(framer, "dd\nee\n") == outcomes{"ee"});
}

TEST_CASE("Ten megabytes without LF in 1 KiB chunks keep the buffer within max_line",
          "[chat][framer]") {
  line_framer framer;  // the server's default limit
  REQUIRE(framer.max_line() == 1024);
  const std::string chunk(1024, 'z');
  std::size_t overlong = 0;
  std::size_t lines = 0;
  std::size_t most_pending = 0;
  for (int i = 0; i < 10 * 1024; ++i) {
    framer.feed(chunk,
                [&](const frame& f) { ++(f.kind == frame_kind::overlong ? overlong : lines); });
    most_pending = std::max(most_pending, framer.pending());
  }
  CHECK(overlong == 1);
  CHECK(lines == 0);
  CHECK(most_pending <= 1024);
  outcomes out;
  collect(framer, "tail\nhello\n", out);
  CHECK(out == outcomes{"hello"});
}

TEST_CASE("A partial line near the limit fed byte by byte takes linear time", "[chat][framer]") {
  // A framer that rescanned its buffer on every feed would do about 8 * 10^12 byte
  // comparisons here and run into the test timeout; a linear one takes a few milliseconds.
  constexpr std::size_t limit = 4 * 1024 * 1024;
  line_framer framer(limit);
  std::size_t seen = 0;
  const char byte = 'q';
  for (std::size_t i = 0; i < limit; ++i) framer.feed(&byte, 1, [&](const frame&) { ++seen; });
  CHECK(seen == 0);
  CHECK(framer.pending() == limit);
  std::size_t length = 0;
  framer.feed("\n", [&](const frame& f) { length = f.text.size(); });
  CHECK(length == limit);
}

TEST_CASE("The pull interface yields one frame per call and consumes its input", "[chat][framer]") {
  line_framer framer(4);
  std::string_view input = "ab\n12345\ncd";
  frame f;
  REQUIRE(framer.next(input, f));
  CHECK(f.kind == frame_kind::line);
  CHECK(f.text == "ab");
  CHECK(input == "12345\ncd");
  REQUIRE(framer.next(input, f));
  CHECK(f.kind == frame_kind::overlong);
  CHECK(f.text.empty());
  CHECK_FALSE(framer.next(input, f));
  CHECK(input.empty());
  CHECK(framer.pending() == 2);
}

TEST_CASE("Bytes other than LF and CR pass through the framer unchanged", "[chat][framer]") {
  line_framer framer;
  using namespace std::string_literals;
  const std::string line = "a\0b\x1b[31m\xff\xc3\xa9"s;
  CHECK(feed_whole(framer, line + "\n") == outcomes{line});
}

TEST_CASE("reset forgets a partial line and a skipped overlong tail", "[chat][framer]") {
  line_framer framer(4);
  CHECK(feed_whole(framer, "abc").empty());
  framer.reset();
  CHECK(framer.pending() == 0);
  CHECK(feed_whole(framer, "toolong").size() == 1);
  framer.reset();
  CHECK_FALSE(framer.skipping());
  CHECK(feed_whole(framer, "ok\n") == outcomes{"ok"});
}
