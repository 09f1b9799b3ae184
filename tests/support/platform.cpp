// SPDX-License-Identifier: MIT
// evsel: what the tests need to know about the platform they run on.
#include <cerrno>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <evsel/testing.hpp>

#include "harness.hpp"

#if defined(_WIN32)
// clang-format off
#include <winsock2.h>  // before windows.h
#include <windows.h>
// clang-format on
#else
#include <dirent.h>
#include <signal.h>
#include <spawn.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;  // for posix_spawn: the child runs with this process's environment
#endif

#include <chrono>
#include <thread>
#include <vector>

namespace evsel_test {

bool is_wine() {
#if defined(_WIN32)
  // Wine's ntdll exports wine_get_version; Windows' does not.
  const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

const char* platform_name() {
#if defined(_WIN32)
  return "Windows";
#elif defined(__APPLE__)
  return "macOS";
#elif defined(__linux__)
  return "Linux";
#else
  return "POSIX";
#endif
}

void raise_descriptor_limit(std::size_t descriptors) {
#if defined(_WIN32)
  (void)descriptors;  // Windows has no per-process socket limit to raise
#else
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < descriptors) {
    INFO("RLIMIT_NOFILE hard limit " << limit.rlim_max << ", needed " << descriptors);
    REQUIRE((limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= descriptors));
    limit.rlim_cur = static_cast<rlim_t>(descriptors);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  }
#endif
}

int open_descriptor_count() {
#if defined(_WIN32)
  return -1;
#else
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) dir = opendir("/dev/fd");
  REQUIRE(dir != nullptr);
  int count = 0;
  while (const dirent* entry = readdir(dir)) count += entry->d_name[0] != '.';
  closedir(dir);
  return count - 1;  // the directory's own descriptor
#endif
}

double process_cpu_seconds() {
#if defined(_WIN32)
  // No Catch assertion here: it runs while descriptors are exhausted (exhaustion_test.cpp).
  FILETIME created{}, exited{}, kernel{}, user{};
  if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) {
    throw std::runtime_error("GetProcessTimes failed");
  }
  auto ticks = [](const FILETIME& t) {
    return (static_cast<unsigned long long>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
  };
  return static_cast<double>(ticks(kernel) + ticks(user)) / 1e7;  // 100 ns units
#else
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) throw std::runtime_error("getrusage failed");
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
#endif
}

child_outcome run_test_case_in_child(const std::string& name, ms timeout) {
  child_outcome outcome;
#if defined(_WIN32)
  wchar_t exe[32768];
  const DWORD exe_length = GetModuleFileNameW(nullptr, exe, 32768);
  REQUIRE((exe_length > 0 && exe_length < 32768));
  wchar_t directory[MAX_PATH + 1];
  wchar_t path[MAX_PATH + 1];
  REQUIRE(GetTempPathW(MAX_PATH + 1, directory) != 0);
  REQUIRE(GetTempFileNameW(directory, L"evs", 0, path) != 0);
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE errors =
      CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                  CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
  REQUIRE(errors != INVALID_HANDLE_VALUE);
  HANDLE nothing =
      CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, 0, &inherit, OPEN_EXISTING, 0, nullptr);
  REQUIRE(nothing != INVALID_HANDLE_VALUE);
  // Test case names hold no quotes: one quoted argument each.
  std::wstring command = L"\"" + std::wstring(exe) + L"\" \"";
  for (const char c : name) command += static_cast<wchar_t>(static_cast<unsigned char>(c));
  command += L"\"";
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = nothing;
  startup.hStdOutput = nothing;
  startup.hStdError = errors;
  PROCESS_INFORMATION child{};
  const BOOL started = CreateProcessW(exe, &command[0], nullptr, nullptr, TRUE, 0, nullptr, nullptr,
                                      &startup, &child);
  CloseHandle(nothing);
  REQUIRE(started);
  const DWORD timeout_ms = static_cast<DWORD>(timeout.count());
  outcome.finished = WaitForSingleObject(child.hProcess, timeout_ms) == WAIT_OBJECT_0;
  if (!outcome.finished) {
    TerminateProcess(child.hProcess, 99);
    WaitForSingleObject(child.hProcess, INFINITE);
  }
  DWORD code = 0;
  GetExitCodeProcess(child.hProcess, &code);
  CloseHandle(child.hThread);
  CloseHandle(child.hProcess);
  outcome.status = static_cast<int>(code);
  outcome.abnormal = code != 0;
  SetFilePointer(errors, 0, nullptr, FILE_BEGIN);
  char buffer[4096];
  DWORD got = 0;
  while (ReadFile(errors, buffer, sizeof buffer, &got, nullptr) && got != 0) {
    outcome.error_output.append(buffer, got);
  }
  CloseHandle(errors);  // deletes the file
#else
  char path[] = "/tmp/evsel-child-XXXXXX";
  const int errors = mkstemp(path);
  REQUIRE(errors >= 0);
  posix_spawn_file_actions_t actions;
  REQUIRE(posix_spawn_file_actions_init(&actions) == 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, errors, 2);
  std::string exe = "/proc/self/exe";
  std::vector<char*> argv{&exe[0], const_cast<char*>(name.c_str()), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  pid_t ended = 0;
  while ((ended = waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(ms(10));
  }
  outcome.finished = ended == pid;
  if (ended == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  if (WIFSIGNALED(status)) {
    outcome.abnormal = true;
    outcome.status = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    outcome.status = WEXITSTATUS(status);
    outcome.abnormal = outcome.status != 0;
  }
  lseek(errors, 0, SEEK_SET);
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(errors, buffer, sizeof buffer)) > 0) {
    outcome.error_output.append(buffer, static_cast<std::size_t>(got));
  }
  close(errors);
  unlink(path);
#endif
  return outcome;
}

namespace {

#if defined(_WIN32)
// Windows 10 1709's IPPROTO_TCP options (ws2ipdef.h; MinGW-w64 does not define them).
constexpr int keep_idle_option = 3;  // TCP_KEEPIDLE, also spelled TCP_KEEPALIVE
constexpr int keep_interval_option = 17;
constexpr int keep_count_option = 16;
#else
#if defined(TCP_KEEPIDLE)
constexpr int keep_idle_option = TCP_KEEPIDLE;
#else
constexpr int keep_idle_option = TCP_KEEPALIVE;  // macOS
#endif
constexpr int keep_interval_option = TCP_KEEPINTVL;
constexpr int keep_count_option = TCP_KEEPCNT;
#endif

// One IPPROTO_TCP option as an int; false where the OS does not know it.
bool read_tcp_option(evsel::native_socket s, int name, int& value) {
  value = 0;
#if defined(_WIN32)
  int length = sizeof value;
  if (getsockopt(s, IPPROTO_TCP, name, reinterpret_cast<char*>(&value), &length) == 0) return true;
  const int error = WSAGetLastError();
  INFO("getsockopt(IPPROTO_TCP, " << name << "): " << error);
  REQUIRE(error == WSAENOPROTOOPT);
#else
  socklen_t length = sizeof value;
  if (getsockopt(s, IPPROTO_TCP, name, &value, &length) == 0) return true;
  const int error = errno;
  INFO("getsockopt(IPPROTO_TCP, " << name << "): " << error);
  REQUIRE(error == ENOPROTOOPT);
#endif
  return false;
}

}  // namespace

std::optional<keep_alive_timing> read_keep_alive_timing(const evsel::socket& s) {
  keep_alive_timing timing;
  // All three or nothing: Windows 10 1703 knows TCP_KEEPCNT but not the others, and evsel
  // then sets none of them.
  if (!read_tcp_option(s.native_handle(), keep_idle_option, timing.idle_seconds)) return {};
  REQUIRE(read_tcp_option(s.native_handle(), keep_interval_option, timing.interval_seconds));
  REQUIRE(read_tcp_option(s.native_handle(), keep_count_option, timing.probes));
  return timing;
}

descriptor_exhaustion::descriptor_exhaustion() {
#if defined(_WIN32)
  evsel::testing::fail_next_accepts(~0U, std::error_code(WSAEMFILE, evsel::native_category()));
#else
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  saved_limit_ = limit.rlim_cur;
  // New descriptors must be numbered below the soft limit: put it a little above the
  // lowest free number, then take every free number below it.
  const int lowest_free = fcntl(0, F_DUPFD_CLOEXEC, 0);
  REQUIRE(lowest_free >= 0);
  close(lowest_free);
  limit.rlim_cur = static_cast<rlim_t>(lowest_free + 8);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  int fd;
  while ((fd = fcntl(0, F_DUPFD_CLOEXEC, 0)) >= 0) taken_.push_back(fd);
  const int why = errno;
  // No Catch assertion while no descriptor is left (see exhaustion_test.cpp).
  if (why != EMFILE || taken_.empty()) {
    release();
    throw std::runtime_error("could not exhaust descriptors: " + std::to_string(why));
  }
#endif
}

descriptor_exhaustion::~descriptor_exhaustion() {
  release();
}

void descriptor_exhaustion::release() noexcept {
#if defined(_WIN32)
  evsel::testing::fail_next_accepts(0, {});
#else
  for (int fd : taken_) close(fd);
  taken_.clear();
  rlimit limit{};
  if (saved_limit_ != 0 && getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = static_cast<rlim_t>(saved_limit_);
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
#endif
}

}  // namespace evsel_test
