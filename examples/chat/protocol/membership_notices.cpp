// SPDX-License-Identifier: MIT
// evsel chat: which joins and leaves are announced one by one, and the summary of the rest.
#include "membership_notices.hpp"

namespace evsel::chat {

bool membership_notices::announce(change what, clock::time_point now) {
  if (per_second_ == 0 || allowance_.take(now)) return true;
  switch (what) {
    case change::joined:
      ++joined_;
      break;
    case change::left:
      ++left_;
      break;
  }
  return false;
}

std::string membership_notices::summary(std::size_t online) {
  if (joined_ == 0 && left_ == 0) return {};
  std::string line = "* " + std::to_string(joined_) + " joined and " + std::to_string(left_) +
                     " left in the last second (" + std::to_string(online) + " online)";
  joined_ = 0;
  left_ = 0;
  return line;
}

}  // namespace evsel::chat
