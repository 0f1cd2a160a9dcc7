// A core header that includes an ops header: scripts/check_layers.py must refuse it
// (ctest layering.detects_violation).
#pragma once
#include "ops/structured.h"
