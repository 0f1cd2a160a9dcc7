// ember's distributed package (docs/DISTRIBUTED.md): stores, process groups over comm plugins,
// and init_process_group. DistributedDataParallel is in nn/parallel/distributed.h.
#pragma once

#include "distributed/file_store.h"
#include "distributed/hash_store.h"
#include "distributed/init.h"
#include "distributed/prefix_store.h"
#include "distributed/process_group.h"
#include "distributed/store.h"
#include "distributed/tcp_store.h"
#include "distributed/types.h"
#include "distributed/work.h"
