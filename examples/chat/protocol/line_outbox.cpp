// SPDX-License-Identifier: MIT
// evsel chat: the output of one line-based connection, queued in order and sent in pieces.
#include "line_outbox.hpp"

namespace evsel::chat {
namespace {

constexpr std::size_t idle_capacity = 16 * 1024;

}  // namespace

void line_outbox::consumed(std::size_t count) noexcept {
  if (count == 0) return;
  sent_ += count;
  partial_line_out_ = bytes_[sent_ - 1] != '\n';
}

void line_outbox::settle() noexcept {
  if (sent_ == bytes_.size()) {
    if (bytes_.capacity() > idle_capacity) {
      line_string().swap(bytes_);
    } else {
      bytes_.clear();
    }
    sent_ = 0;
  } else if (sent_ > bytes_.size() / 2) {
    bytes_.erase(0, sent_);
    sent_ = 0;
  }
  resident_.note(bytes_);
}

void line_outbox::drop_unsent_lines() {
  std::size_t keep = sent_;
  if (partial_line_out_) {
    const std::size_t end = bytes_.find('\n', sent_);
    keep = end == line_string::npos ? bytes_.size() : end + 1;
  }
  // A copy of what is kept, so that the memory of what is dropped goes back now.
  line_string(bytes_, sent_, keep - sent_).swap(bytes_);
  sent_ = 0;
  resident_.note(bytes_);
}

}  // namespace evsel::chat
