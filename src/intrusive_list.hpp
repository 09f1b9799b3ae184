// SPDX-License-Identifier: MIT
// evsel: a singly linked list threaded through its elements, for the few short lists kept
// in noexcept paths (resting listeners, listeners looked at): no allocation, no failure.
#pragma once

namespace evsel::detail {

// `next` names the element's own link member.
template <class T>
void push_front(T*& head, T& node, T* T::*next) noexcept {
  node.*next = head;
  head = &node;
}

template <class T>
void unlink(T*& head, T& node, T* T::*next) noexcept {
  for (T** link = &head; *link != nullptr; link = &((*link)->*next)) {
    if (*link == &node) {
      *link = node.*next;
      break;
    }
  }
  node.*next = nullptr;
}

}  // namespace evsel::detail
