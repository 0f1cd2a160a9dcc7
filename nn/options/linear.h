// Options of Linear, Bilinear, Flatten and Unflatten (torch::nn::LinearOptions, ...).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nn/options/base.h"

namespace ember {
namespace nn {

struct EMBER_API LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};

struct EMBER_API BilinearOptions {
  BilinearOptions(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : in1_features_(in1_features), in2_features_(in2_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in1_features);
  EMBER_ARG(int64_t, in2_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};

struct EMBER_API FlattenOptions {
  EMBER_ARG(int64_t, start_dim) = 1;
  EMBER_ARG(int64_t, end_dim) = -1;
};

// Unflatten splits dim into sizes; the named form (a dim name and (name, size) pairs) is for
// named tensors, which ember does not have: it prints, and its forward throws.
struct EMBER_API UnflattenOptions {
  using namedshape_t = std::vector<std::pair<std::string, int64_t>>;
  UnflattenOptions(int64_t dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  UnflattenOptions(const char* dimname, namedshape_t namedshape) : dimname_(dimname), namedshape_(std::move(namedshape)) {}
  UnflattenOptions(std::string dimname, namedshape_t namedshape)
      : dimname_(std::move(dimname)), namedshape_(std::move(namedshape)) {}
  EMBER_ARG(int64_t, dim) = 0;
  EMBER_ARG(std::string, dimname);
  EMBER_ARG(std::vector<int64_t>, sizes);
  EMBER_ARG(namedshape_t, namedshape);
};

}  // namespace nn
}  // namespace ember
