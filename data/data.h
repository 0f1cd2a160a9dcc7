// ember::data: datasets, samplers, transforms and the DataLoader, as libtorch's torch::data.
//
//   using namespace ember::data;
//   auto dataset = datasets::MNIST("./mnist").map(transforms::Normalize<>(0.1307, 0.3081))
//                                            .map(transforms::Stack<>());
//   auto loader = make_data_loader(std::move(dataset), DataLoaderOptions(64).workers(2));
//   for (Example<>& batch : *loader) { ... batch.data, batch.target ... }
//
// docs/DATA.md describes the pieces.
#pragma once

#include "data/dataloader.h"
#include "data/datasets/base.h"
#include "data/datasets/chunk.h"
#include "data/datasets/map.h"
#include "data/datasets/mnist.h"
#include "data/datasets/shared.h"
#include "data/datasets/stateful.h"
#include "data/datasets/tensor.h"
#include "data/example.h"
#include "data/samplers/samplers.h"
#include "data/transforms/transforms.h"
#include "data/worker_exception.h"
