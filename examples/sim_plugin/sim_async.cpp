// PackedArgs and the call-time checks of asynchronous sim kernels (see sim_async.h).
#include "sim_async.h"

namespace sim {

PackedArgs::PackedArgs(const ember::sdk::KernelArgs& a) {
  values_.reserve(static_cast<size_t>(a.size()));
  for (int i = 0; i < a.size(); ++i) {
    ember_value v = a.raw(i);
    switch (v.tag) {
      case EMBER_VALUE_TENSOR: pack_view(v.u.tensor); break;
      case EMBER_VALUE_TENSOR_LIST: {
        auto list = std::make_unique<std::vector<ember_tensor_view>>(v.u.tensor_list.data,
                                                                     v.u.tensor_list.data + v.u.tensor_list.size);
        for (ember_tensor_view& t : *list) pack_view(t);
        v.u.tensor_list.data = list->data();
        views_.push_back(std::move(list));
        break;
      }
      case EMBER_VALUE_INT_LIST: {
        auto list = std::make_unique<std::vector<int64_t>>(v.u.int_list.data, v.u.int_list.data + v.u.int_list.size);
        v.u.int_list.data = list->data();
        ints_.push_back(std::move(list));
        break;
      }
      case EMBER_VALUE_DOUBLE_LIST: {
        auto list = std::make_unique<std::vector<double>>(v.u.double_list.data,
                                                          v.u.double_list.data + v.u.double_list.size);
        v.u.double_list.data = list->data();
        doubles_.push_back(std::move(list));
        break;
      }
      case EMBER_VALUE_STRING: {
        strings_.push_back(std::make_unique<std::string>(v.u.str ? v.u.str : ""));
        v.u.str = strings_.back()->c_str();
        break;
      }
      default: break;
    }
    values_.push_back(v);
  }
}

void PackedArgs::pack_view(ember_tensor_view& v) {
  if (v.ndim <= 0) return;
  auto sizes = std::make_unique<std::vector<int64_t>>(v.sizes, v.sizes + v.ndim);
  auto strides = std::make_unique<std::vector<int64_t>>(v.strides, v.strides + v.ndim);
  v.sizes = sizes->data();
  v.strides = strides->data();
  ints_.push_back(std::move(sizes));
  ints_.push_back(std::move(strides));
}

void expect_sim_arguments(const ember::sdk::KernelArgs& a) {
  auto check = [&](const ember_tensor_view& v, int i) {
    if (v.ndim < 0) return;  // an undefined element of a Tensor?[]
    EMBER_SDK_CHECK(v.device_type == sim_device_type_id() && v.device_index == a.device_index(), EMBER_ERROR_VALUE,
                    "argument ", i, " is not a tensor on sim:", a.device_index(), " (device type id ", v.device_type,
                    ", index ", v.device_index, ")");
  };
  for (int i = 0; i < a.size(); ++i) {
    const ember_value& v = a.raw(i);
    if (v.tag == EMBER_VALUE_TENSOR) check(v.u.tensor, i);
    if (v.tag == EMBER_VALUE_TENSOR_LIST)
      for (int64_t k = 0; k < v.u.tensor_list.size; ++k) check(v.u.tensor_list.data[k], i);
  }
}

}  // namespace sim
