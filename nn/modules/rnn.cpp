// RNN, LSTM, GRU and their cells. One loop serves the padded and the packed forms: time step t
// works on the first batch_sizes[t] sequences (all of them when padded), and the sequences that
// are not running keep their state, so the final state of each is the one after its last step.
#include "nn/modules/rnn.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "nn/functional/dropout.h"
#include "core/str.h"
#include "core/warning.h"
#include "nn/init.h"

namespace ember {
namespace nn {

namespace {
bool is_lstm(const detail::RNNOptionsBase& o) { return std::holds_alternative<enumtype::kLSTM>(o.mode()); }
bool is_gru(const detail::RNNOptionsBase& o) { return std::holds_alternative<enumtype::kGRU>(o.mode()); }
int64_t gate_multiplier(const detail::RNNOptionsBase& o) { return is_lstm(o) ? 4 : is_gru(o) ? 3 : 1; }
std::optional<Tensor> opt(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }
}  // namespace

namespace detail {

RNNImplBase::RNNImplBase(const RNNOptionsBase& options_base_) : options_base(options_base_) {
  const RNNOptionsBase& o = options_base;
  EMBER_CHECK(o.dropout() >= 0 && o.dropout() <= 1, ValueError,
              "dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
  EMBER_CHECK(o.proj_size() >= 0, ValueError, "proj_size should be a positive integer or zero to disable projections");
  EMBER_CHECK(o.proj_size() < o.hidden_size(), ValueError, "proj_size has to be smaller than hidden_size");
  EMBER_CHECK(o.proj_size() == 0 || is_lstm(o), ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU");
  if (o.dropout() > 0 && o.num_layers() == 1) {
    EMBER_WARN("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
               "num_layers greater than 1, but got dropout=", o.dropout(), " and num_layers=", o.num_layers());
  }
  reset_weights();
}

void RNNImplBase::reset_weights() {
  const RNNOptionsBase& o = options_base;
  const int64_t directions = o.bidirectional() ? 2 : 1;
  const int64_t gate_size = gate_multiplier(o) * o.hidden_size();
  const int64_t real_hidden = o.proj_size() > 0 ? o.proj_size() : o.hidden_size();
  flat_weights_names_.clear();
  for (int64_t layer = 0; layer < o.num_layers(); ++layer) {
    for (int64_t direction = 0; direction < directions; ++direction) {
      const int64_t layer_input = layer == 0 ? o.input_size() : real_hidden * directions;
      const std::string suffix = std::to_string(layer) + (direction == 1 ? "_reverse" : "");
      std::vector<std::string> names{"weight_ih_l" + suffix, "weight_hh_l" + suffix};
      register_parameter(names[0], ember::empty({gate_size, layer_input}));
      register_parameter(names[1], ember::empty({gate_size, real_hidden}));
      if (o.bias()) {
        names.push_back("bias_ih_l" + suffix);
        names.push_back("bias_hh_l" + suffix);
        register_parameter(names[2], ember::empty({gate_size}));
        register_parameter(names[3], ember::empty({gate_size}));
      }
      if (o.proj_size() > 0) {
        names.push_back("weight_hr_l" + suffix);
        register_parameter(names.back(), ember::empty({o.proj_size(), o.hidden_size()}));
      }
      flat_weights_names_.push_back(names);
    }
  }
  reset_parameters();
}

void RNNImplBase::reset_parameters() {
  const double stdv = 1.0 / std::sqrt(static_cast<double>(options_base.hidden_size()));
  for (auto& item : parameters_) init::uniform_(item.value(), -stdv, stdv);
}

std::vector<Tensor> RNNImplBase::all_weights() const { return parameters_.values(); }

void RNNImplBase::pretty_print(std::ostream& stream) const {
  const RNNOptionsBase& o = options_base;
  const char* name = is_lstm(o) ? "LSTM" : is_gru(o) ? "GRU" : "RNN";
  stream << std::boolalpha << module_name_prefix() << name << "(input_size=" << o.input_size() << ", hidden_size=" << o.hidden_size()
         << ", num_layers=" << o.num_layers() << ", bias=" << o.bias() << ", batch_first=" << o.batch_first()
         << ", dropout=" << o.dropout() << ", bidirectional=" << o.bidirectional();
  if (o.proj_size() > 0) stream << ", proj_size=" << o.proj_size();
  stream << ")";
}

std::vector<Tensor> RNNImplBase::initial_states(const std::vector<Tensor>& given, int64_t batch, const Tensor& like) const {
  const RNNOptionsBase& o = options_base;
  const int64_t lead = o.num_layers() * (o.bidirectional() ? 2 : 1);
  const int64_t real_hidden = o.proj_size() > 0 ? o.proj_size() : o.hidden_size();
  const size_t count = is_lstm(o) ? 2 : 1;
  std::vector<Tensor> states;
  for (size_t i = 0; i < count; ++i) {
    const int64_t size = i == 0 ? real_hidden : o.hidden_size();
    if (i < given.size() && given[i].defined()) {
      const Tensor& h = given[i];
      EMBER_CHECK(h.dim() == 3 && h.size(0) == lead && h.size(1) == batch && h.size(2) == size, ValueError,
                  "Expected hidden", i == 0 ? "" : "[1]", " size [", lead, ", ", batch, ", ", size, "], got ", h.sizes());
      states.push_back(h);
    } else {
      states.push_back(ember::zeros({lead, batch, size}, like.options()));
    }
  }
  return states;
}

std::tuple<Tensor, std::vector<Tensor>> RNNImplBase::run(const Tensor& input, const std::vector<int64_t>* batch_sizes,
                                                         std::vector<Tensor> states) {
  const RNNOptionsBase& o = options_base;
  const int64_t directions = o.bidirectional() ? 2 : 1;
  EMBER_CHECK(input.size(-1) == o.input_size(), ValueError, "input.size(-1) must be equal to input_size. Expected ",
              o.input_size(), ", got ", input.size(-1));
  // The input as one tensor per time step.
  std::vector<Tensor> steps;
  if (batch_sizes) {
    int64_t offset = 0;
    for (int64_t bs : *batch_sizes) {
      steps.push_back(input.narrow(0, offset, bs));
      offset += bs;
    }
  } else {
    for (int64_t t = 0; t < input.size(0); ++t) steps.push_back(input.select(0, t));
  }
  const int64_t batch = states[0].size(1);
  std::vector<std::vector<Tensor>> finals(states.size());
  for (int64_t layer = 0; layer < o.num_layers(); ++layer) {
    std::vector<std::vector<Tensor>> outputs(static_cast<size_t>(directions));
    for (int64_t direction = 0; direction < directions; ++direction) {
      const std::vector<std::string>& names = flat_weights_names_[static_cast<size_t>(layer * directions + direction)];
      const Tensor& w_ih = parameters_[names[0]];
      const Tensor& w_hh = parameters_[names[1]];
      Tensor b_ih, b_hh, w_hr;
      if (o.bias()) {
        b_ih = parameters_[names[2]];
        b_hh = parameters_[names[3]];
      }
      if (o.proj_size() > 0) w_hr = parameters_[names.back()];
      std::vector<Tensor> state;
      for (const Tensor& s : states) state.push_back(s.select(0, layer * directions + direction));
      std::vector<Tensor>& out = outputs[static_cast<size_t>(direction)];
      out.resize(steps.size());
      const int64_t count = static_cast<int64_t>(steps.size());
      for (int64_t k = 0; k < count; ++k) {
        const int64_t t = direction == 0 ? k : count - 1 - k;
        const Tensor& x = steps[static_cast<size_t>(t)];
        const int64_t bs = x.size(0);
        std::vector<Tensor> active;
        for (const Tensor& s : state) active.push_back(bs == batch ? s : s.narrow(0, 0, bs));
        std::vector<Tensor> next;
        if (is_lstm(o)) {
          auto [h, c] = ember::lstm_cell(x, {active[0], active[1]}, w_ih, w_hh, opt(b_ih), opt(b_hh));
          if (w_hr.defined()) h = ember::matmul(h, w_hr.t());
          next = {h, c};
        } else if (is_gru(o)) {
          next = {ember::gru_cell(x, active[0], w_ih, w_hh, opt(b_ih), opt(b_hh))};
        } else if (std::holds_alternative<enumtype::kRNN_RELU>(o.mode())) {
          next = {ember::rnn_relu_cell(x, active[0], w_ih, w_hh, opt(b_ih), opt(b_hh))};
        } else {
          next = {ember::rnn_tanh_cell(x, active[0], w_ih, w_hh, opt(b_ih), opt(b_hh))};
        }
        out[static_cast<size_t>(t)] = next[0];
        for (size_t i = 0; i < state.size(); ++i)
          state[i] = bs == batch ? next[i] : ember::cat({next[i], state[i].narrow(0, bs, batch - bs)}, 0);
      }
      for (size_t i = 0; i < state.size(); ++i) finals[i].push_back(state[i]);
    }
    // The next layer's input: both directions' outputs side by side, with dropout between layers.
    for (size_t t = 0; t < steps.size(); ++t) {
      Tensor y = directions == 1 ? outputs[0][t] : ember::cat({outputs[0][t], outputs[1][t]}, 1);
      if (o.dropout() > 0 && is_training() && layer + 1 < o.num_layers())
        y = functional::dropout(y, functional::DropoutFuncOptions().p(o.dropout()).training(true));
      steps[t] = y;
    }
  }
  std::vector<Tensor> final_states;
  for (const auto& f : finals) final_states.push_back(ember::stack(f, 0));
  Tensor output = batch_sizes ? ember::cat(steps, 0) : ember::stack(steps, 0);
  return {output, final_states};
}

}  // namespace detail

namespace {
detail::RNNOptionsBase base_of(const RNNOptions& o) {
  detail::RNNOptionsBase::mode_t mode = enumtype::kRNN_TANH();
  if (std::holds_alternative<enumtype::kReLU>(o.nonlinearity())) mode = enumtype::kRNN_RELU();
  return detail::RNNOptionsBase(mode, o.input_size(), o.hidden_size())
      .num_layers(o.num_layers())
      .bias(o.bias())
      .batch_first(o.batch_first())
      .dropout(o.dropout())
      .bidirectional(o.bidirectional());
}
detail::RNNOptionsBase base_of(const LSTMOptions& o) {
  return detail::RNNOptionsBase(enumtype::kLSTM(), o.input_size(), o.hidden_size())
      .num_layers(o.num_layers())
      .bias(o.bias())
      .batch_first(o.batch_first())
      .dropout(o.dropout())
      .bidirectional(o.bidirectional())
      .proj_size(o.proj_size());
}
detail::RNNOptionsBase base_of(const GRUOptions& o) {
  return detail::RNNOptionsBase(enumtype::kGRU(), o.input_size(), o.hidden_size())
      .num_layers(o.num_layers())
      .bias(o.bias())
      .batch_first(o.batch_first())
      .dropout(o.dropout())
      .bidirectional(o.bidirectional());
}

// The padded forward: [seq, batch, feature] (batch_first: [batch, seq, ...]; unbatched:
// [seq, feature] with states [layers * directions, hidden]).
struct Padded {
  Tensor input;
  bool unbatched;
};
Padded prepare(const Tensor& input, bool batch_first, const char* name) {
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, ValueError, name, ": Expected input to be 2-D or 3-D but received ",
              input.dim(), "-D tensor");
  if (input.dim() == 2) return {input.unsqueeze(1), true};
  return {batch_first ? input.transpose(0, 1) : input, false};
}
Tensor finish_output(const Tensor& output, bool batch_first, bool unbatched) {
  if (unbatched) return output.squeeze(1);
  return batch_first ? output.transpose(0, 1) : output;
}
Tensor state_in(const Tensor& h, bool unbatched) { return h.defined() && unbatched ? h.unsqueeze(1) : h; }
Tensor state_out(const Tensor& h, bool unbatched) { return unbatched ? h.squeeze(1) : h; }
Tensor permute_hidden(const Tensor& h, const Tensor& permutation) {
  return h.defined() && permutation.defined() ? h.index_select(1, permutation) : h;
}
std::vector<int64_t> host_batch_sizes(const Tensor& batch_sizes) {
  Tensor b = batch_sizes.to(Device("cpu")).to(kInt64).contiguous();
  return std::vector<int64_t>(b.data_ptr<int64_t>(), b.data_ptr<int64_t>() + b.numel());
}
}  // namespace

RNNImpl::RNNImpl(const RNNOptions& options_) : RNNCloneable<RNNImpl>(base_of(options_)), options(options_) {}

std::tuple<Tensor, Tensor> RNNImpl::forward(const Tensor& input, Tensor hx) {
  Padded p = prepare(input, options.batch_first(), "RNN");
  auto states = initial_states({state_in(hx, p.unbatched)}, p.input.size(1), p.input);
  auto [out, finals] = run(p.input, nullptr, states);
  return {finish_output(out, options.batch_first(), p.unbatched), state_out(finals[0], p.unbatched)};
}

std::tuple<utils::rnn::PackedSequence, Tensor> RNNImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, Tensor hx) {
  std::vector<int64_t> sizes = host_batch_sizes(packed_input.batch_sizes());
  auto states = initial_states({permute_hidden(hx, packed_input.sorted_indices())}, sizes.empty() ? 0 : sizes[0],
                               packed_input.data());
  auto [out, finals] = run(packed_input.data(), &sizes, states);
  return {utils::rnn::PackedSequence(out, packed_input.batch_sizes(), packed_input.sorted_indices(),
                                     packed_input.unsorted_indices()),
          permute_hidden(finals[0], packed_input.unsorted_indices())};
}

LSTMImpl::LSTMImpl(const LSTMOptions& options_) : RNNCloneable<LSTMImpl>(base_of(options_)), options(options_) {}

std::tuple<Tensor, LSTMImpl::State> LSTMImpl::forward(const Tensor& input, std::optional<State> hx_opt) {
  Padded p = prepare(input, options.batch_first(), "LSTM");
  std::vector<Tensor> given;
  if (hx_opt) given = {state_in(std::get<0>(*hx_opt), p.unbatched), state_in(std::get<1>(*hx_opt), p.unbatched)};
  auto states = initial_states(given, p.input.size(1), p.input);
  auto [out, finals] = run(p.input, nullptr, states);
  return {finish_output(out, options.batch_first(), p.unbatched),
          State(state_out(finals[0], p.unbatched), state_out(finals[1], p.unbatched))};
}

std::tuple<utils::rnn::PackedSequence, LSTMImpl::State> LSTMImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, std::optional<State> hx_opt) {
  std::vector<int64_t> sizes = host_batch_sizes(packed_input.batch_sizes());
  std::vector<Tensor> given;
  if (hx_opt) {
    given = {permute_hidden(std::get<0>(*hx_opt), packed_input.sorted_indices()),
             permute_hidden(std::get<1>(*hx_opt), packed_input.sorted_indices())};
  }
  auto states = initial_states(given, sizes.empty() ? 0 : sizes[0], packed_input.data());
  auto [out, finals] = run(packed_input.data(), &sizes, states);
  return {utils::rnn::PackedSequence(out, packed_input.batch_sizes(), packed_input.sorted_indices(),
                                     packed_input.unsorted_indices()),
          State(permute_hidden(finals[0], packed_input.unsorted_indices()),
                permute_hidden(finals[1], packed_input.unsorted_indices()))};
}

GRUImpl::GRUImpl(const GRUOptions& options_) : RNNCloneable<GRUImpl>(base_of(options_)), options(options_) {}

std::tuple<Tensor, Tensor> GRUImpl::forward(const Tensor& input, Tensor hx) {
  Padded p = prepare(input, options.batch_first(), "GRU");
  auto states = initial_states({state_in(hx, p.unbatched)}, p.input.size(1), p.input);
  auto [out, finals] = run(p.input, nullptr, states);
  return {finish_output(out, options.batch_first(), p.unbatched), state_out(finals[0], p.unbatched)};
}

std::tuple<utils::rnn::PackedSequence, Tensor> GRUImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, Tensor hx) {
  std::vector<int64_t> sizes = host_batch_sizes(packed_input.batch_sizes());
  auto states = initial_states({permute_hidden(hx, packed_input.sorted_indices())}, sizes.empty() ? 0 : sizes[0],
                               packed_input.data());
  auto [out, finals] = run(packed_input.data(), &sizes, states);
  return {utils::rnn::PackedSequence(out, packed_input.batch_sizes(), packed_input.sorted_indices(),
                                     packed_input.unsorted_indices()),
          permute_hidden(finals[0], packed_input.unsorted_indices())};
}

// ---- cells --------------------------------------------------------------------------------------

namespace detail {

template <typename Derived>
void RNNCellImplBase<Derived>::reset() {
  const RNNCellOptionsBase& o = options_base;
  const int64_t gates = o.num_chunks() * o.hidden_size();
  weight_ih = this->register_parameter("weight_ih", ember::empty({gates, o.input_size()}));
  weight_hh = this->register_parameter("weight_hh", ember::empty({gates, o.hidden_size()}));
  if (o.bias()) {
    bias_ih = this->register_parameter("bias_ih", ember::empty({gates}));
    bias_hh = this->register_parameter("bias_hh", ember::empty({gates}));
  } else {
    bias_ih = this->register_parameter("bias_ih", Tensor(), /*requires_grad=*/false);
    bias_hh = this->register_parameter("bias_hh", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

template <typename Derived>
void RNNCellImplBase<Derived>::reset_parameters() {
  const double stdv = 1.0 / std::sqrt(static_cast<double>(options_base.hidden_size()));
  for (auto& item : this->parameters_)
    if (item.value().defined()) init::uniform_(item.value(), -stdv, stdv);
}

template <typename Derived>
void RNNCellImplBase<Derived>::pretty_print(std::ostream& stream) const {
  const std::string name = demangle(typeid(Derived).name());
  const std::string short_name = name.substr(name.rfind(':') + 1, name.size() - name.rfind(':') - 1 - 4);  // drop "Impl"
  stream << module_name_prefix() << short_name << "(" << options_base.input_size() << ", " << options_base.hidden_size();
  if (!options_base.bias()) stream << ", bias=false";
  const std::string nonlinearity = get_nonlinearity_str();
  if (!nonlinearity.empty() && nonlinearity != "kTanh") stream << ", nonlinearity=" << nonlinearity;
  stream << ")";
}

template <typename Derived>
void RNNCellImplBase<Derived>::check_forward_input(const Tensor& input, const std::string& name) const {
  EMBER_CHECK(input.dim() == 1 || input.dim() == 2, ValueError, name, ": Expected input to be 1-D or 2-D but received ",
              input.dim(), "-D tensor");
  EMBER_CHECK(input.size(-1) == options_base.input_size(), ValueError, "input has inconsistent input_size: got ",
              input.size(-1), " expected ", options_base.input_size());
}

}  // namespace detail

template class detail::RNNCellImplBase<RNNCellImpl>;
template class detail::RNNCellImplBase<LSTMCellImpl>;
template class detail::RNNCellImplBase<GRUCellImpl>;

namespace {
Tensor zeros_state(const Tensor& input, int64_t hidden) {
  return ember::zeros({input.size(0), hidden}, input.options());
}
}  // namespace

RNNCellImpl::RNNCellImpl(const RNNCellOptions& options_)
    : RNNCellImplBase(detail::RNNCellOptionsBase(options_.input_size(), options_.hidden_size(), options_.bias(), 1)),
      options(options_) {}

std::string RNNCellImpl::get_nonlinearity_str() const { return enumtype::get_enum_name(options.nonlinearity()); }

Tensor RNNCellImpl::forward(const Tensor& input, Tensor hx) {
  check_forward_input(input, "RNNCell");
  const bool unbatched = input.dim() == 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  Tensor h = hx.defined() ? (unbatched ? hx.unsqueeze(0) : hx) : zeros_state(x, options.hidden_size());
  Tensor out = std::holds_alternative<enumtype::kTanh>(options.nonlinearity())
                   ? ember::rnn_tanh_cell(x, h, weight_ih, weight_hh, opt(bias_ih), opt(bias_hh))
                   : ember::rnn_relu_cell(x, h, weight_ih, weight_hh, opt(bias_ih), opt(bias_hh));
  return unbatched ? out.squeeze(0) : out;
}

LSTMCellImpl::LSTMCellImpl(const LSTMCellOptions& options_)
    : RNNCellImplBase(detail::RNNCellOptionsBase(options_.input_size(), options_.hidden_size(), options_.bias(), 4)),
      options(options_) {}

std::tuple<Tensor, Tensor> LSTMCellImpl::forward(const Tensor& input, std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  check_forward_input(input, "LSTMCell");
  const bool unbatched = input.dim() == 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  Tensor h, c;
  if (hx_opt) {
    h = unbatched ? std::get<0>(*hx_opt).unsqueeze(0) : std::get<0>(*hx_opt);
    c = unbatched ? std::get<1>(*hx_opt).unsqueeze(0) : std::get<1>(*hx_opt);
  } else {
    h = zeros_state(x, options.hidden_size());
    c = zeros_state(x, options.hidden_size());
  }
  auto [h1, c1] = ember::lstm_cell(x, {h, c}, weight_ih, weight_hh, opt(bias_ih), opt(bias_hh));
  if (unbatched) return {h1.squeeze(0), c1.squeeze(0)};
  return {h1, c1};
}

GRUCellImpl::GRUCellImpl(const GRUCellOptions& options_)
    : RNNCellImplBase(detail::RNNCellOptionsBase(options_.input_size(), options_.hidden_size(), options_.bias(), 3)),
      options(options_) {}

Tensor GRUCellImpl::forward(const Tensor& input, Tensor hx) {
  check_forward_input(input, "GRUCell");
  const bool unbatched = input.dim() == 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  Tensor h = hx.defined() ? (unbatched ? hx.unsqueeze(0) : hx) : zeros_state(x, options.hidden_size());
  Tensor out = ember::gru_cell(x, h, weight_ih, weight_hh, opt(bias_ih), opt(bias_hh));
  return unbatched ? out.squeeze(0) : out;
}

}  // namespace nn
}  // namespace ember
