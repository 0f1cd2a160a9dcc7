// The dependency of missing_dependency.cpp's plugin, built away from every library search path.
extern "C" __attribute__((visibility("default"))) int ember_regtest_gone_value() { return 42; }
