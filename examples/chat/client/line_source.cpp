// SPDX-License-Identifier: MIT
// evsel chat client: standard input read on its own thread, handed over through a queue.
#include "line_source.hpp"

#include <iostream>
#include <thread>

namespace evsel::chat {

void line_source::start() {
  std::thread([this] {
    std::string line;
    while (std::getline(std::cin, line)) {
      {
        std::lock_guard<std::mutex> hold(lock_);
        lines_.push_back(std::move(line));
      }
      arrived_();
    }
    {
      std::lock_guard<std::mutex> hold(lock_);
      ended_ = true;
    }
    arrived_();
  }).detach();
}

bool line_source::take(std::deque<std::string>& out) {
  std::lock_guard<std::mutex> hold(lock_);
  while (!lines_.empty()) {
    out.push_back(std::move(lines_.front()));
    lines_.pop_front();
  }
  return ended_;
}

}  // namespace evsel::chat
