// SPDX-License-Identifier: MIT
// evsel chat: the allocator of the line buffers, which gives large buffers back to the OS
// the moment they are freed.
#pragma once

#include <cstddef>
#include <string>

namespace evsel::chat {

// Buffers of at least this many bytes come from the OS's page allocator (mmap,
// VirtualAlloc) and go back to it when freed; smaller ones from the heap.
inline constexpr std::size_t line_pages_threshold = 16 * 1024;

void* allocate_line_bytes(std::size_t size);
void free_line_bytes(void* data, std::size_t size) noexcept;

// Why: a buffer that grows by doubling frees each smaller block it outgrows, and heaps keep
// freed blocks resident (glibc raises its mmap threshold after the first free; Wine's heap
// does not decommit). A server of many clients whose queues and partial lines grow at once
// would then hold far more than its memory budget counts: here, what is counted is what is
// held.
template <class T>
struct line_allocator {
  using value_type = T;
  line_allocator() noexcept = default;
  template <class U>
  line_allocator(const line_allocator<U>& /*other*/) noexcept {}
  T* allocate(std::size_t count) { return static_cast<T*>(allocate_line_bytes(count * sizeof(T))); }
  void deallocate(T* data, std::size_t count) noexcept { free_line_bytes(data, count * sizeof(T)); }
  template <class U>
  bool operator==(const line_allocator<U>& /*other*/) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const line_allocator<U>& /*other*/) const noexcept {
    return false;
  }
};

using line_string = std::basic_string<char, std::char_traits<char>, line_allocator<char>>;

// The memory a line buffer makes resident: a heap buffer all of its allocation, a
// page-allocated one only the pages written since it was allocated (what was reserved but
// never written is not memory the process holds). Call note() after every change.
class resident_bytes {
 public:
  void note(const line_string& s) noexcept {
    if (s.capacity() != capacity_) {
      capacity_ = s.capacity();
      written_ = s.size();  // a new buffer: what was copied into it
    } else if (s.size() > written_) {
      written_ = s.size();  // pages written stay resident when the size shrinks again
    }
  }
  std::size_t bytes() const noexcept {
    constexpr std::size_t page = 4096;
    const std::size_t allocated = capacity_ + 1;  // the terminator is allocated too
    if (allocated < line_pages_threshold) return allocated;
    return (written_ + 1 + page - 1) / page * page;
  }

 private:
  std::size_t capacity_ = 0;
  std::size_t written_ = 0;
};

}  // namespace evsel::chat
