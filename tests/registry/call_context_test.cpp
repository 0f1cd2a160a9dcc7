// The host's side of the ABI 2.0 call context (plugin_abi.h, ember_call_context), driven by the
// call_context_kernels test plugin: resize_output gives an output the size only the kernel
// knows, scratch memory is aligned and released, the context names the device the call runs
// on, a reported warning reaches the warning handler, a reported error fails the call (the first
// one wins), op tags given in ember_op_desc are on the operator's schema, and (ABI 2.2) content
// versions follow the tensor's storage.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/warning.h"
#include "tests/registry/test_plugins.h"

namespace ember {
namespace {

using test::call_op_boxed;
using test::host_tensor;
using test::values_of;

const PluginReport& call_context_plugin() {
  static const PluginReport report = load_plugin(test::test_plugin("call_context_kernels"), true, {});
  return report;
}

class CallContext : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(call_context_plugin().status, PluginStatus::Loaded) << call_context_plugin().reason; }
};

TEST_F(CallContext, ResizeOutputGivesTheSizeOnlyTheKernelKnows) {
  Tensor x = host_tensor({0, 3, 0, 0, -1, 2}, "ctx_dev");
  Tensor out = host_tensor({}, "ctx_dev", kInt64);
  Stack r = call_op_boxed("ctx::nonzero_index", {x, out});
  Tensor result = r[0].to_tensor();
  ASSERT_EQ(result.sizes().vec(), (std::vector<int64_t>{3}));
  EXPECT_EQ(result.scalar_type(), kInt64);
  const auto* idx = static_cast<const int64_t*>(result.data_ptr());
  EXPECT_EQ((std::vector<int64_t>(idx, idx + 3)), (std::vector<int64_t>{1, 4, 5}));
  // The caller's tensor is the one resized (out= semantics).
  EXPECT_TRUE(result.is_same(out));
  EXPECT_EQ(out.numel(), 3);
  // An all-zero input resizes to an empty output.
  Tensor zeros = host_tensor({0, 0}, "ctx_dev");
  Tensor out2 = host_tensor({7, 7}, "ctx_dev", kInt64);
  call_op_boxed("ctx::nonzero_index", {zeros, out2});
  EXPECT_EQ(out2.numel(), 0);
}

TEST_F(CallContext, ScratchMemoryIsUsableAndReleased) {
  std::vector<float> values(10000);
  double expected = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(i % 7);
    expected += values[i];
  }
  Tensor x = host_tensor(values, "ctx_dev");
  // Many calls: scratch is released after each (a leak would show under the sanitizer builds).
  for (int i = 0; i < 50; ++i) {
    Tensor out = host_tensor({0}, "ctx_dev");
    call_op_boxed("ctx::scratch_sum", {x, out});
    EXPECT_EQ(values_of(out)[0], static_cast<float>(expected));
  }
}

TEST_F(CallContext, ContextNamesTheDeviceOfTheCall) {
  Tensor out = host_tensor({-1, -1}, "ctx_dev");
  call_op_boxed("ctx::where_am_i", {out});
  EXPECT_EQ(values_of(out), (std::vector<float>{static_cast<float>(find_device_type("ctx_dev")), 0.0f}));
}

struct CapturedWarnings : WarningHandler {
  std::vector<std::string> messages;
  void process(const SourceLocation&, const std::string& msg, bool) override { messages.push_back(msg); }
};

TEST_F(CallContext, ReportedWarningReachesTheWarningHandler) {
  CapturedWarnings capture;
  WarningHandlerGuard guard(&capture);
  Tensor t = host_tensor({1}, "ctx_dev");
  call_op_boxed("ctx::warns_", {t});
  ASSERT_EQ(capture.messages.size(), 1u);
  EXPECT_NE(capture.messages[0].find("warns_ is only a test"), std::string::npos) << capture.messages[0];
}

TEST_F(CallContext, ReportedErrorFailsTheCallAndTheFirstOneWins) {
  Tensor t = host_tensor({1}, "ctx_dev");
  try {
    call_op_boxed("ctx::reports_error_", {t});
    FAIL() << "expected IndexError";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("reported from inside the kernel"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("a second report loses"), std::string::npos) << e.what();
  }
}

TEST_F(CallContext, TagsFromTheOpDescriptionAreOnTheSchema) {
  const OperatorEntry* sum = Dispatcher::singleton().find_or_throw("ctx::scratch_sum").entry();
  EXPECT_TRUE(sum->has_tag("reduction"));
  EXPECT_TRUE(sum->has_tag("nondeterministic_seeded"));
  EXPECT_FALSE(sum->has_tag("pointwise"));
  EXPECT_TRUE(Dispatcher::singleton().find_or_throw("ctx::warns_").entry()->tags().empty());
  // ops.yaml's tags are there too.
  EXPECT_TRUE(Dispatcher::singleton().find_or_throw("aten::add.Tensor").entry()->has_tag("pointwise"));
}

// A tensor the core made is tracked: the kernel sees its storage's id (unique) and version, which
// a write through an operator moves; taking its address for writing (data_ptr, Storage::data)
// ends the tracking for good, reading it (const_data_ptr) does not.
TEST_F(CallContext, ContentVersionsFollowTheStorage) {
  auto versions = [](const Tensor& self) {
    Tensor out = host_tensor(std::vector<float>(7), "ctx_dev", kInt64);
    call_op_boxed("ctx::content_version", {self, out});
    const int64_t* p = out.const_data_ptr<int64_t>();
    return std::vector<int64_t>(p, p + 7);
  };
  Tensor x = host_tensor({1, 2, 3}, "ctx_dev");
  Tensor y = host_tensor({4, 5}, "ctx_dev");
  const std::vector<int64_t> v = versions(x);
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(static_cast<uint64_t>(v[1]), x.impl()->storage()->id());
  EXPECT_EQ(v[2], static_cast<int64_t>(x._version()));
  EXPECT_EQ(v[3], 1);        // the output is tracked too (its version before the call writes it)
  EXPECT_NE(v[4], v[1]);     // another storage, another id
  EXPECT_EQ(v[6], 0);        // an index out of range: untracked, both numbers 0
  EXPECT_NE(versions(y)[1], v[1]);

  call_op_boxed("ctx::where_am_i", {x});  // writes x: Tensor(a!)
  const std::vector<int64_t> after = versions(x);
  EXPECT_EQ(after[0], 1);
  EXPECT_EQ(after[1], v[1]);
  EXPECT_EQ(after[2], v[2] + 1);

  (void)x.const_data_ptr();
  EXPECT_EQ(versions(x)[0], 1);
  (void)x.data_ptr();
  const std::vector<int64_t> untracked = versions(x);
  EXPECT_EQ((std::vector<int64_t>(untracked.begin(), untracked.begin() + 3)), (std::vector<int64_t>{0, 0, 0}));
  call_op_boxed("ctx::where_am_i", {x});
  EXPECT_EQ(versions(x)[0], 0);  // for good

  (void)y.storage().data();
  EXPECT_EQ(versions(y)[0], 0);
}

}  // namespace
}  // namespace ember
