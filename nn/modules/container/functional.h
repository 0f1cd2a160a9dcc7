// nn::Functional: a function (Tensor -> Tensor, possibly with bound extra arguments) wrapped as
// a module, to place it in a Sequential, as torch::nn::Functional.
//
//   ember::nn::Sequential seq(ember::nn::Linear(3, 4), ember::nn::Functional(ember::relu),
//                             ember::nn::Functional(ember::nn::functional::elu, /*alpha=*/1.0));
//
// Thread-safety: as nn::Module (the function must be safe to call from the threads that run it).
#pragma once

#include <functional>
#include <utility>

#include "nn/cloneable.h"

namespace ember {
namespace nn {

class EMBER_API FunctionalImpl : public Cloneable<FunctionalImpl> {
 public:
  using Function = std::function<Tensor(Tensor)>;

  explicit FunctionalImpl(Function function);
  // Binds the arguments after the first: Functional(f, a, b)(x) is f(x, a, b).
  template <typename F, typename Arg, typename... Rest>
  explicit FunctionalImpl(F original_function, Arg&& arg, Rest&&... rest)
      : FunctionalImpl(Function([f = std::move(original_function),
                                 bound = std::make_tuple(std::forward<Arg>(arg), std::forward<Rest>(rest)...)](Tensor input) {
          return std::apply([&](const auto&... extra) { return f(input, extra...); }, bound);
        })) {}

  void reset() override {}
  void pretty_print(std::ostream& stream) const override;  // ember::nn::Functional()
  bool is_serializable() const override { return false; }

  Tensor forward(Tensor input);
  Tensor operator()(Tensor input) { return forward(std::move(input)); }

 private:
  Function function_;
};
EMBER_MODULE(Functional);

}  // namespace nn
}  // namespace ember
