// ember's version, as `ember info` prints it and plugins see it (ember_host_api::host_version).
// The build may override it with -DEMBER_VERSION_STRING="x.y.z".
#pragma once

#ifndef EMBER_VERSION_STRING
#define EMBER_VERSION_STRING "0.1.0"
#endif

namespace ember {

constexpr const char* kVersion = EMBER_VERSION_STRING;

}  // namespace ember
