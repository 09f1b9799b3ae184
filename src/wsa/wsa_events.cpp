// SPDX-License-Identifier: MIT
// evsel-wsa: event objects, WSAWaitForMultipleEvents, and the pumping of the hidden poller
// by the waiting threads (wsa_pump.hpp).
//
// One lock guards every object's state. A wait looks at all of its objects under it, so
// "the lowest signalled index" and "all signalled at once" are judged at a single moment,
// and a set between the look and the sleep cannot be missed (the setter takes the lock and
// wakes every waiter registered on the object). Manual-reset objects are never consumed by
// a wait, so a wait changes no state, whether it succeeds or times out.
#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "wsa_event_objects.hpp"
#include "wsa_pump.hpp"
#include "wsa_runtime.hpp"

namespace evsel::wsa {

struct waiter {
  waiter(const std::vector<std::shared_ptr<event_object>>& o, bool all) noexcept
      : objects(o), wait_all(all) {}
  const std::vector<std::shared_ptr<event_object>>& objects;
  const bool wait_all;
  // Set by the signal that satisfied the wait, with the index it satisfied it at. As on
  // Windows, a wait satisfied once stays satisfied: a reset right after the set does not
  // take back what a thread already waiting was given.
  bool released = false;
  std::size_t index = 0;
  std::condition_variable wake;
  // This waiter pumps the hidden poller: a signal of one of its objects reaches it through
  // the poller's wake, since it is blocked there and not on `wake`.
  bool pumping = false;
};

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr std::size_t maximum_wait_events = 64;  // WSA_MAXIMUM_WAIT_EVENTS
constexpr std::size_t records_per_pump = 64;
// How stale the Winsock records may be before WSAEnumNetworkEvents pumps for itself. A
// program that waits pumps all the time (and the wait just before its enumeration took
// what was there); one that only enumerates still sees each event within this much. A
// pump per enumeration would cost a wait on the poller each time, a third more per event
// in the article's loop (evsel-wsa-bench).
constexpr std::chrono::microseconds stale_after{1000};

struct event_table {
  std::mutex mutex;
  std::unordered_map<std::uintptr_t, std::shared_ptr<event_object>> objects;
  // Handle values are never reused (as socket handles), so a closed event's handle stays
  // invalid instead of naming a newer event.
  std::uintptr_t next = 0x1000;
  std::shared_ptr<evsel::poller> hidden;
  bool pumping = false;                    // a thread waits on a hidden poller for everyone
  evsel::poller* pumped = nullptr;         // that poller (`hidden`, or one dropped since)
  std::vector<waiter*> followers;          // waits asleep that may want to pump, oldest first
  steady_clock::time_point last_pumped{};  // when the last pump ended
};

event_table& table() noexcept {
  static event_table* const t = new event_table;  // never destroyed: see the_runtime()
  return *t;
}

// The thread that pumps signals objects while it delivers: it looks at its own objects
// when it is done, so waking its own poller would only cost it a spurious round.
thread_local bool delivering_here = false;

std::uintptr_t key(void* handle) noexcept {
  return reinterpret_cast<std::uintptr_t>(handle);
}

// The first signalled index (wait any), or 0 when every object is signalled (wait all).
bool satisfied(const std::vector<std::shared_ptr<event_object>>& objects,
               bool wait_all,
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

// A wait's registrations: on its objects (so that a signal wakes it) and, while it sleeps,
// among the followers. Undone however the wait ends, allocation failures included.
class enlistment {
 public:
  enlistment(event_table& t, const std::vector<std::shared_ptr<event_object>>& objects, waiter& w)
      : table_(t), objects_(objects), waiter_(w) {
    try {
      for (const auto& o : objects_) o->waiters.push_back(&waiter_);
    } catch (...) {
      leave_objects();  // no destructor runs for a constructor that throws
      throw;
    }
  }
  ~enlistment() {
    leave_objects();
    sleep_ends();
  }
  enlistment(const enlistment&) = delete;
  enlistment& operator=(const enlistment&) = delete;
  void sleep_begins() { table_.followers.push_back(&waiter_); }
  void leave_objects() noexcept {
    for (const auto& o : objects_) {
      auto& list = o->waiters;
      // The same object may appear twice in a wait-any array, and an allocation may have
      // failed half way: take out at most one entry per appearance.
      const auto it = std::find(list.begin(), list.end(), &waiter_);
      if (it != list.end()) list.erase(it);
    }
  }
  void sleep_ends() noexcept {
    auto& list = table_.followers;
    const auto it = std::find(list.begin(), list.end(), &waiter_);
    if (it != list.end()) list.erase(it);
  }

 private:
  event_table& table_;
  const std::vector<std::shared_ptr<event_object>>& objects_;
  waiter& waiter_;
};

// Caller holds the lock. A waiter leaving, or a pumper stepping down, gives the pump to the
// oldest waiter still asleep: without it, that waiter's sockets would go unwatched.
void hand_on_pump(event_table& t) noexcept {
  if (!t.pumping && !t.followers.empty()) t.followers.front()->wake.notify_one();
}

// One round of pumping: takes the pump (caller holds `lock`, and no one pumps), waits on the
// hidden poller up to `timeout` without the lock, delivers, and gives the pump back. Returns
// a Winsock code if the OS refused the wait.
int pump_once(event_table& t,
              std::unique_lock<std::mutex>& lock,
              waiter* self,
              milliseconds timeout) noexcept {
  std::shared_ptr<evsel::poller> p = t.hidden;
  t.pumping = true;
  t.pumped = p.get();
  if (self != nullptr) self->pumping = true;
  lock.unlock();
  std::array<ready_record, records_per_pump> records;
  std::error_code ec;
  const std::size_t n = p->wait(records.data(), records.size(), timeout, ec);
  delivering_here = true;
  deliver(records.data(), n);
  delivering_here = false;
  lock.lock();
  if (self != nullptr) self->pumping = false;
  t.pumping = false;
  t.pumped = nullptr;
  t.last_pumped = steady_clock::now();
  lock.unlock();
  p.reset();  // the last reference after the last WSACleanup: destroyed outside the lock
  lock.lock();
  return ec ? to_wsa(ec) : 0;
}

}  // namespace

void signal(event_object& e) noexcept {
  event_table& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  if (e.signalled) return;
  e.signalled = true;
  for (waiter* w : e.waiters) {
    // Judged now, at the moment of the set: a wait-all of objects not all signalled stays
    // asleep, and a wait released here keeps what it was given.
    if (w->released || !satisfied(w->objects, w->wait_all, w->index)) continue;
    w->released = true;
    if (!w->pumping) {
      w->wake.notify_one();
    } else if (!delivering_here && t.pumped != nullptr) {
      t.pumped->wake();
    }
  }
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

std::shared_ptr<evsel::poller> hidden_poller() {
  event_table& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  if (t.hidden == nullptr) {
    t.hidden = std::make_shared<evsel::poller>();
    // Waits that began while there was nothing to pump sleep as followers: one of them
    // takes the pump now, or the sockets selected from here on go unwatched.
    hand_on_pump(t);
  }
  return t.hidden;
}

std::shared_ptr<evsel::poller> existing_hidden_poller() noexcept {
  event_table& t = table();
  const std::lock_guard<std::mutex> lock(t.mutex);
  return t.hidden;
}

void drop_hidden_poller() noexcept {
  event_table& t = table();
  std::shared_ptr<evsel::poller> dropped;
  {
    const std::lock_guard<std::mutex> lock(t.mutex);
    dropped = std::move(t.hidden);
    if (t.pumped != nullptr) t.pumped->wake();
  }
}

void pump_now() noexcept {
  event_table& t = table();
  std::unique_lock<std::mutex> lock(t.mutex);
  if (t.pumping || t.hidden == nullptr) return;
  if (steady_clock::now() - t.last_pumped < stale_after) return;
  (void)pump_once(t, lock, nullptr, milliseconds::zero());
  hand_on_pump(t);
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

int wait_for_events(const event_handle* events,
                    std::size_t count,
                    bool wait_all,
                    milliseconds timeout,
                    std::size_t& index) noexcept {
  index = 0;
  if (const int code = check_started()) return code;
  if (events == nullptr || count == 0 || count > maximum_wait_events) {
    return code::invalid_parameter;
  }
  const bool forever = timeout < milliseconds::zero();
  const auto deadline = steady_clock::now() + (forever ? milliseconds::zero() : timeout);
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
    waiter self(objects, wait_all);
    int result = wsa_wait_timeout;
    {
      enlistment enlisted(t, objects, self);
      bool looked = false;  // a wait that ends by its timeout first takes what evsel has
      for (;;) {
        if (self.released) {
          index = self.index;
          result = 0;
          break;
        }
        if (satisfied(objects, wait_all, index)) {
          result = 0;
          break;
        }
        const bool can_pump = !t.pumping && t.hidden != nullptr;
        const auto left = std::chrono::ceil<milliseconds>(deadline - steady_clock::now());
        if (!forever && left <= milliseconds::zero() && (looked || !can_pump)) break;
        if (can_pump) {
          looked = true;
          const milliseconds block =
              forever ? evsel::poller::infinite : std::max(left, milliseconds::zero());
          if (const int failed = pump_once(t, lock, &self, block)) {
            result = failed;
            break;
          }
          continue;
        }
        enlisted.sleep_begins();
        if (forever) {
          self.wake.wait(lock);
        } else {
          (void)self.wake.wait_until(lock, deadline);
        }
        enlisted.sleep_ends();
      }
    }
    hand_on_pump(t);
    return result;
  } catch (const std::bad_alloc&) {
    return code::not_enough_memory;
  }
}

}  // namespace evsel::wsa
