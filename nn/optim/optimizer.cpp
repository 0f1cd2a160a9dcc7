// optim::Optimizer: parameter groups, zero_grad, state dicts.
#include "nn/optim/optimizer.h"

#include "nn/serialize/archive.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "autograd/grad_mode.h"
#include "core/warning.h"
#include "generated/functions.h"
#include "nn/serialize.h"
#include "ops/creation.h"

namespace ember {
namespace optim {

// ---- StateDictReader ---------------------------------------------------------------------------

const Tensor& StateDictReader::tensor(const std::string& key) {
  const Tensor* t = dict_.find(key);
  EMBER_CHECK(t != nullptr && t->defined(), ValueError, "[Optimizer::load_state_dict] missing key '", key, "'");
  used_.insert(key);
  return *t;
}

double StateDictReader::scalar(const std::string& key) {
  const Tensor& t = tensor(key);
  EMBER_CHECK(t.numel() == 1, ValueError, "[Optimizer::load_state_dict] '", key, "' must hold one value, got shape ",
              t.sizes());
  return t.item<double>();
}

std::vector<std::string> StateDictReader::unused_keys() const {
  std::vector<std::string> out;
  for (const auto& item : dict_)
    if (!used_.count(item.key())) out.push_back(item.key());
  return out;
}

void put_scalar(StateDict& out, const std::string& key, double value) {
  out.insert_or_assign(key, ember::scalar_tensor(value, kFloat64));
}
void put_flag(StateDict& out, const std::string& key, bool value) {
  out.insert_or_assign(key, ember::scalar_tensor(value ? 1.0 : 0.0, kBool));
}
void put_count(StateDict& out, const std::string& key, int64_t value) {
  out.insert_or_assign(key, ember::scalar_tensor(Scalar(value), kInt64));
}

// ---- default options and state -----------------------------------------------------------------

double OptimizerOptions::get_lr() const {
  EMBER_FAIL(NotImplementedError, "double get_lr() has not been overridden in this subclass of optim::OptimizerOptions");
}
void OptimizerOptions::set_lr(double) {
  EMBER_FAIL(NotImplementedError, "void set_lr(double) has not been overridden in this subclass of optim::OptimizerOptions");
}
void OptimizerOptions::save(StateDict&, const std::string&) const {
  EMBER_FAIL(NotImplementedError, "these optimizer options do not implement save(StateDict&, prefix)");
}
void OptimizerOptions::load(StateDictReader&, const std::string&) {
  EMBER_FAIL(NotImplementedError, "these optimizer options do not implement load(StateDictReader&, prefix)");
}
void OptimizerParamState::save(StateDict&, const std::string&) const {
  EMBER_FAIL(NotImplementedError, "this optimizer state does not implement save(StateDict&, prefix)");
}
void OptimizerParamState::load(StateDictReader&, const std::string&) {
  EMBER_FAIL(NotImplementedError, "this optimizer state does not implement load(StateDictReader&, prefix)");
}

// ---- OptimizerParamGroup -----------------------------------------------------------------------

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& other)
    : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& other) {
  if (this != &other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  EMBER_CHECK(options_ != nullptr, ValueError, "[OptimizerParamGroup] the group has no options");
  return *options_;
}

const OptimizerOptions& OptimizerParamGroup::options() const {
  EMBER_CHECK(options_ != nullptr, ValueError, "[OptimizerParamGroup] the group has no options");
  return *options_;
}

// ---- Optimizer ---------------------------------------------------------------------------------

Optimizer::Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  EMBER_CHECK(defaults_ != nullptr, ValueError, "[Optimizer] defaults must be given");
  defaults_->validate();
  for (const auto& group : param_groups) add_param_group(group);
}

namespace {
// Parameters must be defined leaves that no group holds yet.
void check_new_parameters(const std::vector<OptimizerParamGroup>& groups, const std::vector<Tensor>& params) {
  std::unordered_set<const TensorImpl*> existing;
  for (const auto& group : groups)
    for (const Tensor& p : group.params()) existing.insert(p.impl());
  for (const Tensor& p : params) {
    EMBER_CHECK(p.defined(), ValueError, "[Optimizer] a parameter is an undefined tensor");
    EMBER_CHECK(p.is_leaf(), ValueError, "[Optimizer] can't optimize a non-leaf Tensor");
    EMBER_CHECK(existing.insert(p.impl()).second, ValueError,
                "[Optimizer] some parameters appear in more than one parameter group");
  }
}
}  // namespace

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  check_new_parameters(param_groups_, param_group.params());
  OptimizerParamGroup group(param_group.params(),
                            param_group.has_options() ? param_group.options().clone() : defaults_->clone());
  group.options().validate();
  param_groups_.push_back(std::move(group));
}

void Optimizer::add_parameters(const std::vector<Tensor>& parameters) {
  EMBER_WARN("Optimizer::add_parameters() will be removed (as in libtorch); use add_param_group() instead");
  if (param_groups_.empty()) {
    add_param_group(OptimizerParamGroup(parameters));
    return;
  }
  check_new_parameters(param_groups_, parameters);
  auto& first = param_groups_.front().params();
  first.insert(first.end(), parameters.begin(), parameters.end());
}

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    for (Tensor& p : group.params()) {
      Tensor& grad = p.mutable_grad();
      if (!grad.defined()) continue;
      if (set_to_none) {
        grad.reset();
      } else {
        grad = grad.detach();
        grad.zero_();
      }
    }
  }
}

std::vector<Tensor> Optimizer::parameters() const {
  EMBER_WARN("Optimizer::parameters() will be removed (as in libtorch); use param_groups() instead");
  std::vector<Tensor> out;
  for (const auto& group : param_groups_) out.insert(out.end(), group.params().begin(), group.params().end());
  return out;
}

size_t Optimizer::size() const {
  EMBER_WARN("Optimizer::size() will be removed (as in libtorch); use param_groups() instead");
  size_t n = 0;
  for (const auto& group : param_groups_) n += group.params().size();
  return n;
}

std::unique_ptr<OptimizerParamState> Optimizer::make_param_state() const {
  EMBER_FAIL(NotImplementedError, "[Optimizer] this optimizer keeps no per-parameter state that load_state_dict could fill "
                                  "(a subclass with state overrides make_param_state)");
}

OptimizerParamState* Optimizer::find_state(const Tensor& p) {
  auto it = state_.find(p.impl());
  return it == state_.end() ? nullptr : it->second.get();
}

Tensor Optimizer::run_closure(const LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable_grad(true);
  return closure();
}

StateDict Optimizer::state_dict() const {
  StateDict out("Key");
  int64_t index = 0;
  for (size_t g = 0; g < param_groups_.size(); ++g) {
    const auto& group = param_groups_[g];
    std::string prefix = "param_groups." + std::to_string(g) + ".";
    std::vector<int64_t> indices;
    for (const Tensor& p : group.params()) {
      auto it = state_.find(p.impl());
      if (it != state_.end()) it->second->save(out, "state." + std::to_string(index) + ".");
      indices.push_back(index++);
    }
    out.insert(prefix + "params", ember::tensor_from_doubles(std::vector<double>(indices.begin(), indices.end()),
                                                             {static_cast<int64_t>(indices.size())}, kInt64));
    group.options().save(out, prefix);
  }
  return out;
}

void Optimizer::load_state_dict(const StateDict& dict) {
  StateDictReader in(dict);
  size_t groups = 0;
  while (dict.contains("param_groups." + std::to_string(groups) + ".params")) ++groups;
  EMBER_CHECK(groups == param_groups_.size(), ValueError,
              "[Optimizer::load_state_dict] loaded state dict has a different number of parameter groups (", groups,
              ") than the optimizer (", param_groups_.size(), ")");
  // Build everything first; commit only when the whole dict was read without error.
  std::vector<std::unique_ptr<OptimizerOptions>> options;
  ParamStateMap state;
  int64_t index = 0;
  for (size_t g = 0; g < groups; ++g) {
    const auto& group = param_groups_[g];
    std::string prefix = "param_groups." + std::to_string(g) + ".";
    const Tensor& ids = in.tensor(prefix + "params");
    EMBER_CHECK(ids.dim() == 1 && ids.size(0) == static_cast<int64_t>(group.params().size()), ValueError,
                "[Optimizer::load_state_dict] loaded state dict contains a parameter group of ", ids.numel(),
                " parameters, but the optimizer's group ", g, " has ", group.params().size());
    auto group_options = group.options().clone();
    group_options->load(in, prefix);
    group_options->validate();
    options.push_back(std::move(group_options));
    for (const Tensor& p : group.params()) {
      std::string state_prefix = "state." + std::to_string(index++) + ".";
      bool any = std::any_of(dict.begin(), dict.end(), [&](const auto& item) {
        return item.key().compare(0, state_prefix.size(), state_prefix) == 0;
      });
      if (!any) continue;
      auto s = make_param_state();
      s->load(in, state_prefix);
      state[p.impl()] = std::move(s);
    }
  }
  std::vector<std::string> unused = in.unused_keys();
  if (!unused.empty()) {
    std::string keys;
    for (const auto& k : unused) keys += (keys.empty() ? "'" : ", '") + k + "'";
    EMBER_FAIL(ValueError, "[Optimizer::load_state_dict] unexpected key(s) in state dict: ", keys);
  }
  // Cast state tensors to their parameter's device and floating dtype (as PyTorch), as copies.
  NoGradGuard no_grad;
  index = 0;
  for (auto& group : param_groups_) {
    for (const Tensor& p : group.params()) {
      auto it = state.find(p.impl());
      if (it == state.end()) continue;
      StateDict tensors("Key");
      it->second->save(tensors, "");
      StateDict cast("Key");
      for (const auto& item : tensors) {
        const Tensor& t = item.value();
        ScalarType dtype = t.is_floating_point() ? p.scalar_type() : t.scalar_type();
        cast.insert(item.key(), t.to(p.device(), dtype, false, /*copy=*/true));
      }
      StateDictReader cast_reader(cast);
      it->second->load(cast_reader, "");
    }
  }
  for (size_t g = 0; g < groups; ++g) param_groups_[g].set_options(std::move(options[g]));
  state_ = std::move(state);
}

ParamStateKey::ParamStateKey(const std::string& pointer_text) : impl_(nullptr) {
  size_t used = 0;
  unsigned long long value = 0;
  bool ok = pointer_text.size() > 2 && pointer_text.compare(0, 2, "0x") == 0;
  if (ok) {
    try {
      value = std::stoull(pointer_text, &used, 16);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  EMBER_CHECK(ok && used == pointer_text.size(), ValueError, "[optimizer state] '", pointer_text,
              "' is not a parameter key (a TensorImpl address as guts::to_string prints it)");
  impl_ = reinterpret_cast<const TensorImpl*>(static_cast<uintptr_t>(value));
}

}  // namespace optim

namespace optim {

// ---- libtorch's optimizer archive ---------------------------------------------------------------
// torch::save(optimizer) in libtorch 1.5 and later writes:
//   pytorch_version   str "1.5.0"
//   state             an archive per parameter that has state, under the parameter's key (its
//                     TensorImpl's address as text), holding the state's fields
//   param_groups      "param_groups/size" (int64 tensor) and "param_groups/<g>": "params/size"
//                     (int64 tensor), "params/<j>" (str, the parameters' keys) and "options"
// ember's state_dict() entries become fields by dtype: a 0-d int64 tensor an int, a 0-d float64 a
// float, a 0-d bool a bool, an option's 1-d float64 (betas) a tuple of floats, other tensors
// tensors; a '.' inside a state name (LBFGS's "old_dirs.0") becomes '/'. Loading maps the file's
// parameters to the optimizer's by position, as libtorch.
namespace {

constexpr const char* kArchiveVersion = "1.5.0";

std::string parameter_key(const Tensor& p) {
  std::ostringstream text;
  text << static_cast<const void*>(p.impl());
  return text.str();
}

IValue field_of(const Tensor& t, bool is_option) {
  if (t.dim() == 0 && t.scalar_type() == kInt64) return IValue(t.item<int64_t>());
  if (t.dim() == 0 && t.scalar_type() == kFloat64) return IValue(t.item<double>());
  if (t.dim() == 0 && t.scalar_type() == kBool) return IValue(t.item<bool>());
  if (is_option && t.dim() == 1 && t.scalar_type() == kFloat64) {
    const Tensor values = t.contiguous();
    const double* d = static_cast<const double*>(values.data_ptr());
    std::vector<IValue> items(d, d + values.numel());
    return IValue::tuple(std::move(items));
  }
  return IValue(t);
}

Tensor tensor_of_field(const IValue& v, const std::string& name) {
  switch (v.tag()) {
    case IValue::Tag::Int: return ember::scalar_tensor(Scalar(v.to_int()), kInt64);
    case IValue::Tag::Double: return ember::scalar_tensor(v.to_double(), kFloat64);
    case IValue::Tag::Bool: return ember::scalar_tensor(v.to_bool() ? 1.0 : 0.0, kBool);
    case IValue::Tag::Tensor: return v.to_tensor();
    case IValue::Tag::DoubleList: {
      const std::vector<double>& d = v.to_double_list();
      return ember::tensor_from_doubles(d, {static_cast<int64_t>(d.size())}, kFloat64);
    }
    case IValue::Tag::Tuple: {
      std::vector<double> d;
      for (const IValue& e : v.to_tuple()) {
        EMBER_CHECK(e.is_double() || e.is_int(), TypeError, "[load optimizer] the field '", name,
                    "' is a tuple of non-numbers");
        d.push_back(e.is_double() ? e.to_double() : static_cast<double>(e.to_int()));
      }
      return ember::tensor_from_doubles(d, {static_cast<int64_t>(d.size())}, kFloat64);
    }
    default:
      EMBER_FAIL(TypeError, "[load optimizer] the field '", name, "' holds a value of kind ", v.tag_name(),
                 ", which ember's optimizers do not keep");
  }
}

std::string replaced(std::string text, char from, char to) {
  for (char& c : text)
    if (c == from) c = to;
  return text;
}

int64_t count_of(serialize::InputArchive& archive, const std::string& key) {
  Tensor t;
  archive.read(key, t);
  EMBER_CHECK(t.numel() == 1 && !t.is_floating_point(), ValueError, "[load optimizer] '", key,
              "' must hold one integer, got shape ", t.sizes());
  int64_t n = t.item<int64_t>();
  EMBER_CHECK(n >= 0, ValueError, "[load optimizer] '", key, "' is negative (", n, ")");
  return n;
}

}  // namespace

serialize::OutputArchive& operator<<(serialize::OutputArchive& archive, const Optimizer& optimizer) {
  // state_dict()'s entries by owner ("state.3", "param_groups.0"), each with its field names, in
  // one pass over them.
  std::map<std::string, std::vector<std::pair<std::string, const Tensor*>>> fields_of;
  const StateDict dict = optimizer.state_dict();
  for (const auto& item : dict) {
    const std::string& key = item.key();
    const size_t first = key.find('.'), second = first == std::string::npos ? first : key.find('.', first + 1);
    if (second == std::string::npos) continue;
    fields_of[key.substr(0, second)].emplace_back(key.substr(second + 1), &item.value());
  }
  serialize::OutputArchive state, groups;
  const auto& param_groups = optimizer.param_groups();
  groups.write("param_groups/size", ember::scalar_tensor(Scalar(static_cast<int64_t>(param_groups.size())), kInt64));
  int64_t index = 0;
  for (size_t g = 0; g < param_groups.size(); ++g) {
    serialize::OutputArchive group, options;
    const auto& params = param_groups[g].params();
    group.write("params/size", ember::scalar_tensor(Scalar(static_cast<int64_t>(params.size())), kInt64));
    for (size_t j = 0; j < params.size(); ++j, ++index) {
      const std::string key = parameter_key(params[j]);
      group.write("params/" + std::to_string(j), IValue(key));
      auto owned = fields_of.find("state." + std::to_string(index));
      if (owned == fields_of.end()) continue;
      serialize::OutputArchive fields;
      for (const auto& [name, tensor] : owned->second) fields.write(replaced(name, '.', '/'), field_of(*tensor, false));
      state.write(key, fields);
    }
    for (const auto& [name, tensor] : fields_of["param_groups." + std::to_string(g)])
      if (name != "params") options.write(name, field_of(*tensor, true));
    group.write("options", options);
    groups.write("param_groups/" + std::to_string(g), group);
  }
  archive.write("pytorch_version", IValue(std::string(kArchiveVersion)));
  archive.write("state", state);
  archive.write("param_groups", groups);
  return archive;
}

serialize::InputArchive& operator>>(serialize::InputArchive& archive, Optimizer& optimizer) {
  IValue version;
  if (!archive.try_read("pytorch_version", version)) {  // ember's earlier files: the state dict's entries
    optimizer.load_state_dict(archive.state_dict());
    return archive;
  }
  EMBER_CHECK(version.is_string(), ValueError, "[load optimizer] 'pytorch_version' is not a string");
  serialize::InputArchive groups, state;
  archive.read("param_groups", groups);
  archive.read("state", state);
  StateDict dict("Key");
  const int64_t group_count = count_of(groups, "param_groups/size");
  int64_t index = 0;
  for (int64_t g = 0; g < group_count; ++g) {
    serialize::InputArchive group, options;
    groups.read("param_groups/" + std::to_string(g), group);
    const std::string group_prefix = "param_groups." + std::to_string(g) + ".";
    const int64_t param_count = count_of(group, "params/size");
    std::vector<double> ids;
    for (int64_t j = 0; j < param_count; ++j, ++index) {
      IValue key;
      group.read("params/" + std::to_string(j), key);
      EMBER_CHECK(key.is_string(), ValueError, "[load optimizer] 'params/", j, "' of group ", g, " is not a key");
      ids.push_back(static_cast<double>(index));
      serialize::InputArchive fields;
      if (!state.try_read(key.to_string_ref(), fields)) continue;
      for (const std::string& name : fields.keys()) {
        IValue field;
        fields.read(name, field);
        if (field.is_none()) continue;  // an optional state tensor libtorch left undefined
        dict.insert("state." + std::to_string(index) + "." + replaced(name, '/', '.'), tensor_of_field(field, name));
      }
    }
    dict.insert(group_prefix + "params", ember::tensor_from_doubles(ids, {param_count}, kInt64));
    group.read("options", options);
    for (const std::string& name : options.keys()) {
      IValue field;
      options.read(name, field);
      if (field.is_none()) continue;  // an unset optional option (LBFGS's max_eval)
      dict.insert(group_prefix + name, tensor_of_field(field, name));
    }
  }
  optimizer.load_state_dict(dict);
  return archive;
}

}  // namespace optim


}  // namespace ember
