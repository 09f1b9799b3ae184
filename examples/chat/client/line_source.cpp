// SPDX-License-Identifier: MIT
// evsel chat client: standard input read on its own thread, handed over through a queue.
#include "line_source.hpp"

#include <iostream>
#include <thread>
#include <utility>

namespace evsel::chat {

line_source::line_source(std::function<void()> arrived) : shared_(std::make_shared<shared>()) {
  shared_->arrived = std::move(arrived);
}

line_source::~line_source() {
  std::lock_guard<std::mutex> hold(shared_->lock);
  shared_->arrived = nullptr;
}

void line_source::start() {
  std::thread([state = shared_] {
    std::string line;
    bool more = true;
    while (more) {
      more = static_cast<bool>(std::getline(std::cin, line));
      // Told under the lock, so that the owner cannot be destroyed meanwhile.
      std::lock_guard<std::mutex> hold(state->lock);
      if (more) {
        state->lines.push_back(std::move(line));
      } else {
        state->ended = true;
      }
      if (!state->arrived) return;
      state->arrived();
    }
  }).detach();
}

bool line_source::take(std::deque<std::string>& out) {
  std::lock_guard<std::mutex> hold(shared_->lock);
  while (!shared_->lines.empty()) {
    out.push_back(std::move(shared_->lines.front()));
    shared_->lines.pop_front();
  }
  return shared_->ended;
}

}  // namespace evsel::chat
