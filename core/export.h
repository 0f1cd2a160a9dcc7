// EMBER_API marks the symbols libember exports; everything else is hidden.
#pragma once

// Thread-locals on hot paths use the initial-exec TLS model: libember is linked by applications
// (not dlopen'ed), and this turns each access into one instruction instead of a
// __tls_get_addr call.
#define EMBER_TLS_FAST __attribute__((tls_model("initial-exec")))

#if defined(EMBER_BUILDING_LIBRARY)
#define EMBER_API __attribute__((visibility("default")))
#else
#define EMBER_API __attribute__((visibility("default")))
#endif
