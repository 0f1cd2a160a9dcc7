// Recurrent modules, as torch::nn's: RNN, LSTM and GRU (multi-layer, optionally bidirectional,
// with dropout between layers and packed sequences), and RNNCell, LSTMCell, GRUCell.
//
//   ember::nn::LSTM lstm(ember::nn::LSTMOptions(10, 20).num_layers(2));
//   auto [output, state] = lstm->forward(x);            // x [seq, batch, 10]
//   auto [h_n, c_n] = state;                            // [2, batch, 20] each
//
// Parameters are PyTorch's: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (and
// weight_hr_l{k} with LSTM's proj_size), "_reverse" for the second direction, all initialized
// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)); gate order i, f, g, o (LSTM) and r, z, n (GRU).
// The step is the rnn_tanh_cell / lstm_cell / gru_cell op, so everything is differentiable.
// Thread-safety: as nn::Module.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "nn/cloneable.h"
#include "nn/modules/container/any_module.h"
#include "nn/options/rnn.h"
#include "nn/utils/rnn.h"

namespace ember {
namespace nn {

namespace detail {

// What the three recurrent modules share.
struct EMBER_API RNNOptionsBase {
  using mode_t = std::variant<enumtype::kLSTM, enumtype::kGRU, enumtype::kRNN_TANH, enumtype::kRNN_RELU>;
  RNNOptionsBase(mode_t mode, int64_t input_size, int64_t hidden_size)
      : mode_(mode), input_size_(input_size), hidden_size_(hidden_size) {}
  EMBER_ARG(mode_t, mode);
  EMBER_ARG(int64_t, input_size);
  EMBER_ARG(int64_t, hidden_size);
  EMBER_ARG(int64_t, num_layers) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(bool, batch_first) = false;
  EMBER_ARG(double, dropout) = 0.0;
  EMBER_ARG(bool, bidirectional) = false;
  EMBER_ARG(int64_t, proj_size) = 0;
};

class EMBER_API RNNImplBase : public Module {
 public:
  explicit RNNImplBase(const RNNOptionsBase& options_base);
  // Registers the parameters (again) and initializes them.
  void reset_weights();
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  // Every parameter, in registration order.
  std::vector<Tensor> all_weights() const;

  RNNOptionsBase options_base;

 protected:
  // Runs the layers over input ([seq, batch, feature] or packed rows) from the initial states
  // (one [layers * directions, batch, size] tensor per state: h, or h and c).
  // Returns the output (padded form, or packed data) and the final states.
  std::tuple<Tensor, std::vector<Tensor>> run(const Tensor& input, const std::vector<int64_t>* batch_sizes,
                                              std::vector<Tensor> states);
  // Checks and completes the initial states for an input of `batch` sequences.
  std::vector<Tensor> initial_states(const std::vector<Tensor>& given, int64_t batch, const Tensor& like) const;

  std::vector<std::vector<std::string>> flat_weights_names_;  // per layer and direction
};

}  // namespace detail

template <typename Derived>
class RNNCloneable : public detail::RNNImplBase {
 public:
  using detail::RNNImplBase::RNNImplBase;
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override {
    auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
    copy->parameters_.clear();
    copy->reset_weights();
    for (const auto& item : parameters_) {
      Tensor value = device ? item.value().to(*device, item.value().scalar_type(), false, true) : item.value().clone();
      copy->parameters_[item.key()].set_data(value.detach());
    }
    return copy;
  }
};

class EMBER_API RNNImpl : public RNNCloneable<RNNImpl> {
 public:
  RNNImpl(int64_t input_size, int64_t hidden_size) : RNNImpl(RNNOptions(input_size, hidden_size)) {}
  explicit RNNImpl(const RNNOptions& options);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, Tensor hx = {});
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_with_packed_input(const utils::rnn::PackedSequence& packed_input,
                                                                            Tensor hx = {});
  RNNOptions options;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(Tensor())})
};
EMBER_MODULE(RNN);

class EMBER_API LSTMImpl : public RNNCloneable<LSTMImpl> {
 public:
  using State = std::tuple<Tensor, Tensor>;
  LSTMImpl(int64_t input_size, int64_t hidden_size) : LSTMImpl(LSTMOptions(input_size, hidden_size)) {}
  explicit LSTMImpl(const LSTMOptions& options);
  std::tuple<Tensor, State> forward(const Tensor& input, std::optional<State> hx_opt = {});
  std::tuple<utils::rnn::PackedSequence, State> forward_with_packed_input(const utils::rnn::PackedSequence& packed_input,
                                                                          std::optional<State> hx_opt = {});
  LSTMOptions options;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(std::optional<std::tuple<Tensor, Tensor>>())})
};
EMBER_MODULE(LSTM);

class EMBER_API GRUImpl : public RNNCloneable<GRUImpl> {
 public:
  GRUImpl(int64_t input_size, int64_t hidden_size) : GRUImpl(GRUOptions(input_size, hidden_size)) {}
  explicit GRUImpl(const GRUOptions& options);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, Tensor hx = {});
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_with_packed_input(const utils::rnn::PackedSequence& packed_input,
                                                                            Tensor hx = {});
  GRUOptions options;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(Tensor())})
};
EMBER_MODULE(GRU);

// ---- cells --------------------------------------------------------------------------------------

namespace detail {
struct EMBER_API RNNCellOptionsBase {
  RNNCellOptionsBase(int64_t input_size, int64_t hidden_size, bool bias, int64_t num_chunks)
      : input_size_(input_size), hidden_size_(hidden_size), bias_(bias), num_chunks_(num_chunks) {}
  EMBER_ARG(int64_t, input_size);
  EMBER_ARG(int64_t, hidden_size);
  EMBER_ARG(bool, bias);
  EMBER_ARG(int64_t, num_chunks);
};

template <typename Derived>
class RNNCellImplBase : public Cloneable<Derived> {
 public:
  explicit RNNCellImplBase(const RNNCellOptionsBase& options_base_) : options_base(options_base_) {
    RNNCellImplBase::reset();
  }
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  RNNCellOptionsBase options_base;
  Tensor weight_ih;
  Tensor weight_hh;
  Tensor bias_ih;
  Tensor bias_hh;

 protected:
  void check_forward_input(const Tensor& input, const std::string& name) const;
  virtual std::string get_nonlinearity_str() const { return ""; }
};
}  // namespace detail

class RNNCellImpl;
class LSTMCellImpl;
class GRUCellImpl;
extern template class detail::RNNCellImplBase<RNNCellImpl>;
extern template class detail::RNNCellImplBase<LSTMCellImpl>;
extern template class detail::RNNCellImplBase<GRUCellImpl>;

class EMBER_API RNNCellImpl : public detail::RNNCellImplBase<RNNCellImpl> {
 public:
  RNNCellImpl(int64_t input_size, int64_t hidden_size) : RNNCellImpl(RNNCellOptions(input_size, hidden_size)) {}
  explicit RNNCellImpl(const RNNCellOptions& options);
  Tensor forward(const Tensor& input, Tensor hx = {});
  RNNCellOptions options;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(Tensor())})
  std::string get_nonlinearity_str() const override;
};
EMBER_MODULE(RNNCell);

class EMBER_API LSTMCellImpl : public detail::RNNCellImplBase<LSTMCellImpl> {
 public:
  LSTMCellImpl(int64_t input_size, int64_t hidden_size) : LSTMCellImpl(LSTMCellOptions(input_size, hidden_size)) {}
  explicit LSTMCellImpl(const LSTMCellOptions& options);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  LSTMCellOptions options;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(std::optional<std::tuple<Tensor, Tensor>>())})
};
EMBER_MODULE(LSTMCell);

class EMBER_API GRUCellImpl : public detail::RNNCellImplBase<GRUCellImpl> {
 public:
  GRUCellImpl(int64_t input_size, int64_t hidden_size) : GRUCellImpl(GRUCellOptions(input_size, hidden_size)) {}
  explicit GRUCellImpl(const GRUCellOptions& options);
  Tensor forward(const Tensor& input, Tensor hx = {});
  GRUCellOptions options;

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(Tensor())})
};
EMBER_MODULE(GRUCell);

}  // namespace nn
}  // namespace ember
