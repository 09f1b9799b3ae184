// SPDX-License-Identifier: MIT
// evsel-wsa: event objects and WSAWaitForMultipleEvents.
//
// One lock guards every object's state. A wait looks at all of its objects under it, so
// "the lowest signalled index" and "all signalled at once" are judged at a single moment,
// and a set between the look and the sleep cannot be missed (the setter takes the lock and
// notifies every registered waiter). Manual-reset objects are never consumed by a wait, so
// a wait changes no state, whether it succeeds or times out.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <unordered_map>

#include "wsa_event_objects.hpp"
#include "wsa_runtime.hpp"

namespace evsel::wsa {

struct waiter {
  std::condition_variable wake;
};

namespace {

constexpr std::size_t maximum_wait_events = 64;  // WSA_MAXIMUM_WAIT_EVENTS

struct event_table {
  std::mutex mutex;
  std::unordered_map<std::uintptr_t, std::shared_ptr<event_object>> objects;
  // Handle values are never reused (as socket handles), so a closed event's handle stays
  // invalid instead of naming a newer event.
  std::uintptr_t next = 0x1000;
};

event_table& table() noexcept {
  static event_table* const t = new event_table;  // never destroyed: see the_runtime()
  return *t;
}

std::uintptr_t key(void* handle) noexcept { return reinterpret_cast<std::uintptr_t>(handle); }

// Index of the first signalled object, or count; all signalled -> 0 for wait-all.
bool satisfied(const std::vector<std::shared_ptr<event_object>>& objects, bool wait_all,
               std::size_t& index) noexcept {
  if (wait_all) {
    for (const auto& o : objects) {
      if (!o->signalled) return false;
    }
    index = 0;
    return true;
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i]->signalled) {
      index = i;
      return true;
    }
  }
  return false;
}

void enlist(const std::vector<std::shared_ptr<event_object>>& objects, waiter& w) {
  for (const auto& o : objects) o->waiters.push_back(&w);
}

void delist(const std::vector<std::shared_ptr<event_object>>& objects, waiter& w) noexcept {
  for (const auto& o : objects) {
    auto& list = o->waiters;
    // The same object may appear twice in a wait-any array: it was enlisted twice.
    const auto it = std::find(list.begin(), list.end(), &w);
    if (it != list.end()) list.erase(it);
  }
}

}  // namespace

void signal(event_object& e) noexcept {
  const std::lock_guard<std::mutex> lock(table().mutex);
  if (e.signalled) return;
  e.signalled = true;
  for (waiter* w : e.waiters) w->wake.notify_one();
}

void unsignal(event_object& e) noexcept {
  const std::lock_guard<std::mutex> lock(table().mutex);
  e.signalled = false;
}

std::shared_ptr<event_object> find_event(void* handle) noexcept {
  event_table& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  const auto it = t.objects.find(key(handle));
  return it == t.objects.end() ? nullptr : it->second;
}

int create_event(event_handle& out) noexcept {
  out = nullptr;
  if (const int code = check_started()) return code;
  try {
    auto object = std::make_shared<event_object>();
    event_table& t = table();
    const std::lock_guard<std::mutex> lock(t.mutex);
    const std::uintptr_t handle = t.next;
    t.objects.emplace(handle, std::move(object));
    t.next += 4;
    out = reinterpret_cast<event_handle>(handle);
    return 0;
  } catch (const std::bad_alloc&) {
    return code::not_enough_memory;
  }
}

int close_event(event_handle e) noexcept {
  event_table& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  // A wait in progress keeps its reference and goes on waiting, as a Windows wait on a
  // handle closed meanwhile does; a socket selected with it keeps signalling nobody.
  return t.objects.erase(key(e)) == 1 ? 0 : code::invalid_handle;
}

int set_event(event_handle e) noexcept {
  const std::shared_ptr<event_object> object = find_event(e);
  if (object == nullptr) return code::invalid_handle;
  signal(*object);
  return 0;
}

int reset_event(event_handle e) noexcept {
  const std::shared_ptr<event_object> object = find_event(e);
  if (object == nullptr) return code::invalid_handle;
  unsignal(*object);
  return 0;
}

int wait_for_events(const event_handle* events, std::size_t count, bool wait_all,
                    std::chrono::milliseconds timeout, std::size_t& index) noexcept {
  index = 0;
  if (const int code = check_started()) return code;
  if (events == nullptr || count == 0 || count > maximum_wait_events) {
    return code::invalid_parameter;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  event_table& t = table();
  try {
    std::unique_lock<std::mutex> lock(t.mutex);
    std::vector<std::shared_ptr<event_object>> objects;
    objects.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto it = t.objects.find(key(events[i]));
      if (it == t.objects.end()) return code::invalid_handle;
      // WaitForMultipleObjects refuses the same object twice in a wait-all.
      if (wait_all && std::find(objects.begin(), objects.end(), it->second) != objects.end()) {
        return code::invalid_parameter;
      }
      objects.push_back(it->second);
    }
    if (satisfied(objects, wait_all, index)) return 0;
    if (timeout == std::chrono::milliseconds::zero()) return wsa_wait_timeout;
    waiter self;
    enlist(objects, self);
    int result = wsa_wait_timeout;
    for (;;) {
      if (timeout < std::chrono::milliseconds::zero()) {
        self.wake.wait(lock);
      } else if (self.wake.wait_until(lock, deadline) == std::cv_status::timeout) {
        if (satisfied(objects, wait_all, index)) result = 0;
        break;
      }
      if (satisfied(objects, wait_all, index)) {
        result = 0;
        break;
      }
    }
    delist(objects, self);
    return result;
  } catch (const std::bad_alloc&) {
    return code::not_enough_memory;
  }
}

}  // namespace evsel::wsa
