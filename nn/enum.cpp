#include "nn/enum.h"

namespace ember {
namespace enumtype {

#define EMBER_DEFINE_ENUM_NAME(name) \
  std::string name_of(const k##name&) { return "k" #name; }
EMBER_ENUM_TYPES(EMBER_DEFINE_ENUM_NAME)
#undef EMBER_DEFINE_ENUM_NAME

}  // namespace enumtype

namespace nn {
int64_t reduction_value(const LossReduction& reduction) {
  if (std::holds_alternative<enumtype::kNone>(reduction)) return 0;
  if (std::holds_alternative<enumtype::kMean>(reduction)) return 1;
  return 2;
}
}  // namespace nn

}  // namespace ember
