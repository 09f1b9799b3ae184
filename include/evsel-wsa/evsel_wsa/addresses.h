/* SPDX-License-Identifier: MIT */
/* evsel-wsa: the socket address structures in Windows' layout (sin_addr.S_un.S_addr,
   in6_addr.u.Byte, a 28-byte sockaddr_in6), and the byte-order helpers. */
#ifndef EVSEL_WSA_ADDRESSES_H
#define EVSEL_WSA_ADDRESSES_H

EVSEL_WSA_BEGIN

typedef USHORT ADDRESS_FAMILY;

typedef struct sockaddr {
  ADDRESS_FAMILY sa_family;
  CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

/* S_addr is 32 bits here as on Windows, where ULONG is: u_long is 64 bits on LP64. */
typedef struct in_addr {
  union {
    struct {
      UCHAR s_b1, s_b2, s_b3, s_b4;
    } S_un_b;
    struct {
      USHORT s_w1, s_w2;
    } S_un_w;
    uint32_t S_addr;
  } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define s_addr S_un.S_addr
#define s_host S_un.S_un_b.s_b2
#define s_net S_un.S_un_b.s_b1
#define s_imp S_un.S_un_w.s_w2
#define s_impno S_un.S_un_b.s_b4
#define s_lh S_un.S_un_b.s_b3

typedef struct sockaddr_in {
  ADDRESS_FAMILY sin_family;
  USHORT sin_port;
  struct in_addr sin_addr;
  CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

typedef struct in6_addr {
  union {
    UCHAR Byte[16];
    USHORT Word[8];
  } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define s6_addr u.Byte
#define s6_bytes u.Byte
#define s6_words u.Word

/* Windows puts sin6_scope_id in a union with a bit-field view (SCOPE_ID), which needs an
   anonymous struct that C++ does not have; the scope id alone is what programs use. */
typedef struct sockaddr_in6 {
  ADDRESS_FAMILY sin6_family;
  USHORT sin6_port;
  uint32_t sin6_flowinfo;
  struct in6_addr sin6_addr;
  uint32_t sin6_scope_id;
} SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

typedef struct sockaddr_storage {
  ADDRESS_FAMILY ss_family;
  CHAR __ss_pad1[6];
  int64_t __ss_align;
  CHAR __ss_pad2[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

typedef struct linger {
  u_short l_onoff;
  u_short l_linger;
} LINGER, *PLINGER, *LPLINGER;

EVSEL_WSA_STATIC_ASSERT(sizeof(struct in_addr) == 4, "evsel-wsa: in_addr is 4 bytes");
EVSEL_WSA_STATIC_ASSERT(sizeof(struct sockaddr) == 16, "evsel-wsa: sockaddr is 16 bytes");
EVSEL_WSA_STATIC_ASSERT(sizeof(struct sockaddr_in) == 16, "evsel-wsa: sockaddr_in is 16 bytes");
EVSEL_WSA_STATIC_ASSERT(sizeof(struct in6_addr) == 16, "evsel-wsa: in6_addr is 16 bytes");
EVSEL_WSA_STATIC_ASSERT(sizeof(struct sockaddr_in6) == 28, "evsel-wsa: sockaddr_in6 is 28 bytes");
EVSEL_WSA_STATIC_ASSERT(sizeof(struct sockaddr_storage) == 128,
                        "evsel-wsa: sockaddr_storage is 128 bytes");
EVSEL_WSA_STATIC_ASSERT(sizeof(struct linger) == 4, "evsel-wsa: linger is 4 bytes");

/* Inline, so that no symbol named htons is defined anywhere (libc has its own). Windows'
   htonl takes and returns u_long; only the low 32 bits are an address. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static inline u_short htons(u_short hostshort) {
  return hostshort;
}
static inline u_short ntohs(u_short netshort) {
  return netshort;
}
static inline u_long htonl(u_long hostlong) {
  return (u_long)(uint32_t)hostlong;
}
static inline u_long ntohl(u_long netlong) {
  return (u_long)(uint32_t)netlong;
}
#else
static inline u_short htons(u_short hostshort) {
  return __builtin_bswap16(hostshort);
}
static inline u_short ntohs(u_short netshort) {
  return __builtin_bswap16(netshort);
}
static inline u_long htonl(u_long hostlong) {
  return (u_long)__builtin_bswap32((uint32_t)hostlong);
}
static inline u_long ntohl(u_long netlong) {
  return (u_long)__builtin_bswap32((uint32_t)netlong);
}
#endif

EVSEL_WSA_END

#endif
