// The CPU plugin kernel harness: loads libember_cpu.so with a fake host (no ember core needed)
// and checks the plugin boundary (entry, versions, options, device callbacks, coverage of every
// `dispatch: backend` op in ops.yaml) and the SDK's behavior at the C boundary through a small
// SDK-only test plugin. The kernel families are tested in the cpu_*_test.cpp files of this
// program.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <ember/sdk/tensor_view.h>

#include "plugin_test_support.h"

namespace ember_test {
namespace {

// Build-time paths, overridable by environment variables (to run a copied build elsewhere).
std::string path_from_env(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  return value ? value : fallback;
}
std::string ops_yaml_path() { return path_from_env("EMBER_OPS_YAML", EMBER_OPS_YAML); }
std::string sdk_test_plugin_path() { return path_from_env("EMBER_SDK_TEST_PLUGIN", EMBER_SDK_TEST_PLUGIN_PATH); }

TEST(CpuPlugin, LoadsAndDescribesItself) {
  const LoadedPlugin& p = cpu_plugin();
  ASSERT_TRUE(p.loaded()) << p.error();
  EXPECT_EQ(p.api()->abi_major, static_cast<uint32_t>(EMBER_ABI_MAJOR));
  EXPECT_EQ(p.api()->struct_size, sizeof(ember_plugin_api));
  EXPECT_STREQ(p.api()->name, "cpu");
  EXPECT_NE(p.api()->shutdown, nullptr);
  ASSERT_EQ(p.registry().devices.size(), 1u);
  const ember_device_type_desc& cpu = p.registry().devices[0];
  EXPECT_STREQ(cpu.name, "cpu");
  EXPECT_EQ(cpu.host_accessible, 1);
  EXPECT_EQ(cpu.synchronize, nullptr);
}

// Every op that ops.yaml gives `dispatch: backend` has a "cpu" kernel.
TEST(CpuPlugin, CoversEveryBackendOpInOpsYaml) {
  std::ifstream yaml(ops_yaml_path());
  ASSERT_TRUE(yaml.good()) << ops_yaml_path();
  std::regex func_re(R"(^- func:\s*([A-Za-z0-9_:.]+)\()");
  std::string line, current;
  std::set<std::string> backend_ops;
  while (std::getline(yaml, line)) {
    std::smatch m;
    if (std::regex_search(line, m, func_re)) current = m[1];
    if (line.find("dispatch: backend") != std::string::npos) backend_ops.insert(current);
  }
  EXPECT_GT(backend_ops.size(), 70u);
  for (const std::string& op : backend_ops) {
    ASSERT_TRUE(cpu_plugin().has_kernel(op)) << "no cpu kernel for " << op;
    EXPECT_EQ(cpu_plugin().registry().kernels.at(op).device, "cpu");
  }
  EXPECT_EQ(cpu_plugin().registry().kernels.size(), backend_ops.size()) << "kernels for ops not in ops.yaml";
}

TEST(CpuPlugin, DtypeMasksAreTruthful) {
  auto mask = [](const char* op) { return cpu_plugin().registry().kernels.at(op).dtypes; };
  EXPECT_EQ(mask("add.out"), EMBER_DTYPES_ALL);
  EXPECT_EQ(mask("sub.out") & EMBER_DTYPE_BIT(EMBER_DTYPE_BOOL), 0u);
  EXPECT_EQ(mask("exp.out"), static_cast<uint32_t>(EMBER_DTYPES_FLOATING));
  EXPECT_EQ(mask("mm.out"), EMBER_DTYPES_ALL & ~EMBER_DTYPE_BIT(EMBER_DTYPE_BOOL));
  EXPECT_EQ(mask("convolution.out"), static_cast<uint32_t>(EMBER_DTYPES_FLOATING));
}

TEST(CpuDevice, AllocatesAlignedAndCopies) {
  const ember_device_type_desc& cpu = cpu_plugin().registry().devices[0];
  void* a = nullptr;
  void* b = nullptr;
  ASSERT_EQ(cpu.allocate(cpu.ctx, 0, 100, nullptr, &a), nullptr);
  ASSERT_EQ(cpu.allocate(cpu.ctx, 0, 0, nullptr, &b), nullptr);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 64, 0u);
  const char text[] = "ember cpu device";
  ASSERT_EQ(cpu.copy_bytes(cpu.ctx, EMBER_COPY_HOST_TO_DEVICE, a, 0, text, 0, sizeof text), nullptr);
  EXPECT_STREQ(static_cast<char*>(a), text);
  ASSERT_EQ(cpu.copy_bytes(cpu.ctx, EMBER_COPY_DEVICE_TO_DEVICE, b, 0, a, 0, 0), nullptr);  // zero bytes is fine
  cpu.deallocate(cpu.ctx, 0, a);
  cpu.deallocate(cpu.ctx, 0, b);
  cpu.deallocate(cpu.ctx, 0, nullptr);
  void* huge = nullptr;
  ember_status* s = cpu.allocate(cpu.ctx, 0, SIZE_MAX - 8, nullptr, &huge);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->code, EMBER_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(huge, nullptr);
  delete s;
}

// Freed large blocks are reused (no fresh pages per call): the same size, or a smaller request
// of at least a quarter of a cached block, gets that block back, from any thread; a much smaller
// request does not take a big block. With block_cache_mb 0 nothing is kept; a negative budget is
// refused at init.
TEST(CpuDevice, ReusesFreedLargeBlocks) {
  const ember_device_type_desc& cpu = cpu_plugin().registry().devices[0];
  auto alloc = [&](const ember_device_type_desc& d, size_t n) {
    void* p = nullptr;
    EXPECT_EQ(d.allocate(d.ctx, 0, n, nullptr, &p), nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    std::memset(p, 0x5a, n);  // the whole payload is usable
    return p;
  };
  const size_t mb = size_t(1) << 20;
  void* a = alloc(cpu, 3 * mb);
  cpu.deallocate(cpu.ctx, 0, a);
  void* b = alloc(cpu, 3 * mb);
  EXPECT_EQ(b, a) << "the same size reuses the freed block";
  std::thread([&] { cpu.deallocate(cpu.ctx, 0, b); }).join();  // freed on another thread
  void* c = alloc(cpu, mb);
  EXPECT_EQ(c, a) << "a third of the block is within the waste allowed";
  cpu.deallocate(cpu.ctx, 0, c);
  void* tiny = alloc(cpu, 64 * 1024);
  EXPECT_NE(tiny, a) << "a 64 KiB request must not hold a 3 MiB block";
  void* again = alloc(cpu, 3 * mb);
  EXPECT_EQ(again, a);
  cpu.deallocate(cpu.ctx, 0, tiny);
  cpu.deallocate(cpu.ctx, 0, again);

  LoadedPlugin off(cpu_plugin_path(), 1, {{"block_cache_mb", "0"}}, /*private_copy=*/true);
  ASSERT_TRUE(off.loaded()) << off.error();
  const ember_device_type_desc& plain = off.registry().devices[0];
  void* d = alloc(plain, 3 * mb);
  plain.deallocate(plain.ctx, 0, d);
  void* e = alloc(plain, 3 * mb);  // glibc may or may not give the same address; it must work
  plain.deallocate(plain.ctx, 0, e);
  LoadedPlugin bad(cpu_plugin_path(), 1, {{"block_cache_mb", "-1"}}, /*private_copy=*/true);
  ASSERT_FALSE(bad.loaded());
  EXPECT_NE(bad.error().find("block_cache_mb"), std::string::npos) << bad.error();
}

TEST(CpuPlugin, RefusesOtherAbiMajorAndShortHostTables) {
  void* handle = dlopen(cpu_plugin_path().c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr);
  auto entry = reinterpret_cast<ember_plugin_entry_fn>(dlsym(handle, EMBER_PLUGIN_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  ember_host_api future = make_fake_host(1);
  future.abi_major = EMBER_ABI_MAJOR + 1;
  EXPECT_EQ(entry(&future), nullptr);
  bool logged = false;
  for (const std::string& l : logged_lines()) logged |= l.find("refusing host") != std::string::npos;
  EXPECT_TRUE(logged);
  ember_host_api short_table = make_fake_host(1);
  short_table.struct_size = offsetof(ember_host_api, intra_op_threads);
  EXPECT_EQ(entry(&short_table), nullptr);
  EXPECT_EQ(entry(nullptr), nullptr);
}

TEST(CpuPlugin, RejectsUnknownOptionsListingValidOnes) {
  LoadedPlugin p(cpu_plugin_path(), 2, {{"threads", "2"}, {"colour", "blue"}}, /*private_copy=*/true);
  ASSERT_FALSE(p.loaded());
  EXPECT_NE(p.error().find("unknown option 'colour'"), std::string::npos) << p.error();
  EXPECT_NE(p.error().find("threads, onednn"), std::string::npos) << p.error();
  LoadedPlugin bad_value(cpu_plugin_path(), 2, {{"threads", "many"}}, true);
  ASSERT_FALSE(bad_value.loaded());
  EXPECT_NE(bad_value.error().find("option 'threads': expected an integer, got 'many'"), std::string::npos)
      << bad_value.error();
}

// ---- the SDK at the C boundary, through sdk_test_plugin.cpp --------------------------------

const LoadedPlugin& sdk_plugin() {
  static const LoadedPlugin* p = new LoadedPlugin(sdk_test_plugin_path(), 1, {{"device", "sdktest"}});
  return *p;
}

TEST(Sdk, PluginTableAndRegistrations) {
  const LoadedPlugin& p = sdk_plugin();
  ASSERT_TRUE(p.loaded()) << p.error();
  EXPECT_STREQ(p.api()->version, "1.2.3");
  EXPECT_STREQ(p.api()->vendor, "ember tests");
  ASSERT_EQ(p.registry().defined_ops.size(), 1u);
  EXPECT_EQ(p.registry().fallback_requests, std::vector<std::string>{"sdktest"});
  EXPECT_TRUE(p.has_kernel("test::typed"));
  EXPECT_EQ(p.registry().kernels.at("test::typed").dtypes, static_cast<uint32_t>(EMBER_DTYPES_FLOATING));
  ember_registrar* no_registrar = nullptr;
  ember_status* again = p.api()->init(no_registrar, nullptr, 0);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->message, "[sdktest] init called twice");
  delete again;
}

TEST(Sdk, ExceptionsBecomeStatuses) {
  const LoadedPlugin& p = sdk_plugin();
  auto run = [&](int kind) { return p.call("test::throw_kind", Args().i(kind)); };
  EXPECT_TRUE(run(0).ok());
  CallResult r = run(1);
  EXPECT_EQ(r.code, EMBER_ERROR_VALUE);
  EXPECT_EQ(r.message, "[throw_kind] bad value");
  r = run(2);
  EXPECT_EQ(r.code, EMBER_ERROR_INDEX);
  EXPECT_EQ(r.message, "[custom] already prefixed");
  r = run(3);
  EXPECT_EQ(r.code, EMBER_ERROR_RUNTIME);
  EXPECT_EQ(r.message, "[throw_kind] plain std exception");
  r = run(4);
  EXPECT_EQ(r.code, EMBER_ERROR_RUNTIME);
  EXPECT_EQ(r.message, "[throw_kind] unknown exception");
  r = run(5);
  EXPECT_EQ(r.code, EMBER_ERROR_NOT_IMPLEMENTED);
  EXPECT_EQ(r.message, "[throw_kind] check failed with 7 parts");
  r = run(6);
  EXPECT_EQ(r.code, EMBER_ERROR_OUT_OF_MEMORY);
  r = p.call("test::throw_kind", Args().d(1.5));
  EXPECT_EQ(r.code, EMBER_ERROR_TYPE);
  EXPECT_EQ(r.message, "[throw_kind] argument 0: expected int, got float");
  r = p.call("test::throw_kind", Args());
  EXPECT_EQ(r.code, EMBER_ERROR_TYPE);
}

TEST(Sdk, KernelArgsDecodeEveryTag) {
  TestTensor out({13}, EMBER_DTYPE_FLOAT64);
  TestTensor t({2}, EMBER_DTYPE_FLOAT32);
  CallResult r = sdk_plugin().call("test::echo_", Args()
                                                      .tensor(out)
                                                      .i(7)
                                                      .i(3)
                                                      .b(true)
                                                      .none()
                                                      .b(true)
                                                      .str("floor")
                                                      .none()
                                                      .ints({4, 5, 6})
                                                      .none()
                                                      .generator(10, 5)
                                                      .tensors({t, t})
                                                      .none()
                                                      .none());
  ASSERT_TRUE(r.ok()) << r.message;
  std::vector<double> expected = {7, 3, 1, 0, 1, 1, 0, 305, 0, 15, 2, 0, -1};
  EXPECT_EQ(out.to_doubles(), expected);
}

// KernelArgs::content_version reads the ABI 2.2 field only where the host's context has it: a
// 2.0 / 2.1 host's shorter context (its struct_size) gives nullopt without touching the field.
int g_content_version_calls = 0;
TEST(Sdk, ContentVersionNeedsAHostThatHasIt) {
  ember_call_context call{};
  call.struct_size = sizeof call;
  call.content_version = [](const ember_call_context*, int32_t arg, uint64_t* id, uint64_t* version) -> int32_t {
    ++g_content_version_calls;
    *id = 40 + static_cast<uint64_t>(arg);
    *version = 2;
    return 1;
  };
  ember::sdk::KernelArgs args(&call, nullptr, 0);
  std::optional<ember::sdk::KernelArgs::ContentVersion> v = args.content_version(1);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->storage_id, 41u);
  EXPECT_EQ(v->version, 2u);
  call.struct_size = offsetof(ember_call_context, content_version);  // a 2.1 host
  EXPECT_FALSE(args.content_version(1).has_value());
  EXPECT_EQ(g_content_version_calls, 1);
  EXPECT_FALSE(ember::sdk::KernelArgs(nullptr, nullptr, 0).content_version(0).has_value());
}

TEST(Sdk, TypedKernelChecksArgumentCount) {
  TestTensor t = TestTensor::from<float>({3}, {1, 2, 3}, EMBER_DTYPE_FLOAT32);
  ASSERT_TRUE(sdk_plugin().call("test::typed", Args().tensor(t).i(2)).ok());
  EXPECT_EQ(t.values<float>(), (std::vector<float>{2, 4, 6}));
  CallResult r = sdk_plugin().call("test::typed", Args().tensor(t));
  EXPECT_EQ(r.code, EMBER_ERROR_TYPE);
  EXPECT_NE(r.message.find("expected 2 arguments"), std::string::npos) << r.message;
  TestTensor ints({3}, EMBER_DTYPE_INT32);
  r = sdk_plugin().call("test::typed", Args().tensor(ints).i(2));
  EXPECT_EQ(r.code, EMBER_ERROR_TYPE);
  EXPECT_EQ(r.message, "[typed] \"typed\" not implemented for 'Int'");
}

TEST(Sdk, InitFailureBecomesStatus) {
  LoadedPlugin p(sdk_test_plugin_path(), 1, {{"fail_init", "yes"}}, true);
  ASSERT_FALSE(p.loaded());
  EXPECT_EQ(p.error(), "init failed: [sdktest] init failed on purpose");
  LoadedPlugin q(sdk_test_plugin_path(), 1, {{"fail_init", "maybe"}}, true);
  EXPECT_EQ(q.error(), "init failed: [sdktest] option 'fail_init': expected a boolean (true/false), got 'maybe'");
}

}  // namespace
}  // namespace ember_test
