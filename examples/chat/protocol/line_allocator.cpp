// SPDX-License-Identifier: MIT
// evsel chat: the allocator of the line buffers, which gives large buffers back to the OS
// the moment they are freed.
#include "line_allocator.hpp"

#include <cstdlib>
#include <new>

#include "windows_api.hpp"

#if !defined(_WIN32)
#include <sys/mman.h>
#endif

namespace evsel::chat {

void* allocate_line_bytes(std::size_t size) {
  if (size < line_pages_threshold) {
    if (void* data = std::malloc(size)) return data;
    throw std::bad_alloc();
  }
#if defined(_WIN32)
  void* data = VirtualAlloc(nullptr, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (data == nullptr) throw std::bad_alloc();
#else
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) throw std::bad_alloc();
#endif
  return data;
}

void free_line_bytes(void* data, std::size_t size) noexcept {
  if (data == nullptr) return;
  if (size < line_pages_threshold) {
    std::free(data);
    return;
  }
#if defined(_WIN32)
  VirtualFree(data, 0, MEM_RELEASE);
#else
  munmap(data, size);
#endif
}

}  // namespace evsel::chat
