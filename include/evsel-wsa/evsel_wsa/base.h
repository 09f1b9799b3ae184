/* SPDX-License-Identifier: MIT */
/* evsel-wsa: the Windows base types that Winsock signatures use, and the layer's own
   declaration macros. Included by <winsock2.h>; not meant to be included alone. */
#ifndef EVSEL_WSA_BASE_H
#define EVSEL_WSA_BASE_H

#include <stddef.h>
#include <stdint.h>
/* glibc and macOS typedef u_char ... u_long here too, as the same types Windows has (u_long is
   unsigned long): including it first makes the repeated typedefs below harmless in either
   order. */
#include <sys/types.h>

#if !defined(__GNUC__) && !defined(__clang__)
#error "evsel-wsa: the Winsock layer needs gcc or clang (asm labels, attributes)"
#endif

#ifdef __cplusplus
#define EVSEL_WSA_BEGIN extern "C" {
#define EVSEL_WSA_END }
#else
#define EVSEL_WSA_BEGIN
#define EVSEL_WSA_END
#endif

/* Every function gets the linker symbol evsel_wsa_<name>: declaring `bind` under libc's
   symbol would interpose it for the whole process (every library calling bind would land
   here), and renaming with macros would break std::bind and every `.send(` member. */
#define EVSEL_WSA_STRINGIFY2(x) #x
#define EVSEL_WSA_STRINGIFY(x) EVSEL_WSA_STRINGIFY2(x)
#define EVSEL_WSA_SYMBOL(name) EVSEL_WSA_STRINGIFY(__USER_LABEL_PREFIX__) "evsel_wsa_" #name
/* The library is built with hidden visibility; its entry points must stay visible. */
#define EVSEL_WSA_DECL(name) __asm__(EVSEL_WSA_SYMBOL(name)) __attribute__((visibility("default")))

#if defined(__has_attribute)
#if __has_attribute(unavailable)
#define EVSEL_WSA_REFUSED(message) __attribute__((unavailable(message)))
#endif
#endif
#ifndef EVSEL_WSA_REFUSED
#define EVSEL_WSA_REFUSED(message) __attribute__((deprecated(message)))
#endif

#define WSAAPI
#define WINAPI
#ifndef FAR
#define FAR
#endif
#ifndef VOID
#define VOID void
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef int BOOL;
typedef unsigned char BYTE;
typedef unsigned short WORD;
/* unsigned long as on Windows, so that `unsigned long mode = 1; ioctlsocket(s, FIONBIO,
   &mode)` and DWORD/u_long mixing compile; values stay within 32 bits as there. */
typedef unsigned long DWORD;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef int INT;
typedef unsigned int UINT;
typedef long LONG;
typedef unsigned long ULONG;
typedef void* HANDLE;
typedef void* PVOID;
typedef void* LPVOID;
typedef char* PSTR;
typedef char* LPSTR;
typedef const char* PCSTR;
typedef const char* LPCSTR;
typedef DWORD* LPDWORD;
typedef INT* LPINT;
typedef BOOL* LPBOOL;

typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;

#define MAKEWORD(low, high) \
  ((WORD)(((BYTE)(((DWORD)(low)) & 0xff)) | ((WORD)((BYTE)(((DWORD)(high)) & 0xff))) << 8))
#define LOBYTE(w) ((BYTE)(((DWORD)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD)(w)) >> 8) & 0xff))

/* What <windows.h> (which the real <winsock2.h> includes) gives the wait calls. */
#ifndef INFINITE
#define INFINITE 0xFFFFFFFFUL
#endif
#ifndef WAIT_OBJECT_0
#define WAIT_OBJECT_0 0UL
#endif
#ifndef WAIT_TIMEOUT
#define WAIT_TIMEOUT 258UL
#endif
#ifndef WAIT_IO_COMPLETION
#define WAIT_IO_COMPLETION 0xC0UL
#endif
#ifndef WAIT_FAILED
#define WAIT_FAILED ((DWORD)0xFFFFFFFFUL)
#endif

#ifdef __cplusplus
#define EVSEL_WSA_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define EVSEL_WSA_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

#endif
