// The counter-based random state shared by copies of a Generator.
#include "core/generator.h"

namespace ember {

Generator::Generator(uint64_t seed) : state_(std::make_shared<State>()) {
  state_->seed.store(seed);
  state_->offset.store(0);
}
void Generator::manual_seed(uint64_t seed) {
  state_->seed.store(seed);
  state_->offset.store(0);
}
uint64_t Generator::seed() const { return state_->seed.load(); }
uint64_t Generator::reserve(uint64_t n) { return state_->offset.fetch_add(n); }

Generator& default_generator() {
  static Generator* g = new Generator();  // leaked: used until process exit
  return *g;
}
void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace ember
