// A shared library that is not an ember plugin: it exports no ember_plugin_entry.
#include <ember/plugin_abi.h>

extern "C" EMBER_PLUGIN_EXPORT int not_an_ember_plugin() { return 42; }
