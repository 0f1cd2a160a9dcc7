// Every operator in ops.yaml has value tests: each tests/ops file lists the operators it checks
// with EMBER_TESTED_OPS(...), and this test compares those lists with the generated op infos, so
// a new operator cannot land without tests (and a renamed one cannot keep a stale entry).
#include <set>
#include <string>

#include "generated/op_info.h"
#include "support/ember_test_support.h"

namespace ember_test {
namespace {

TEST(OpCoverage, EveryOpIsTested) {
  std::set<std::string> in_yaml;
  std::string missing;
  for (size_t i = 0; i < ember::num_op_infos(); ++i) {
    const ember::OpInfo& info = ember::op_infos()[i];
    in_yaml.insert(info.name);
    if (!tested_ops().count(info.name))
      missing += std::string("\n  ") + info.name + " (ops.yaml:" + std::to_string(info.yaml_line) + ")";
  }
  EXPECT_TRUE(missing.empty()) << "operators without value tests in tests/ops (add tests and list them in "
                                  "EMBER_TESTED_OPS):"
                               << missing;
  std::string stale;
  for (const std::string& name : tested_ops())
    if (!in_yaml.count(name)) stale += "\n  " + name;
  EXPECT_TRUE(stale.empty()) << "EMBER_TESTED_OPS names operators that ops.yaml does not define:" << stale;
  EXPECT_GT(ember::num_op_infos(), 250u);
}

}  // namespace
}  // namespace ember_test
