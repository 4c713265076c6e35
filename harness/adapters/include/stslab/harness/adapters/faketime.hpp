// The adapters' names for the lab's libfaketime recipe (stslab/core/faketime.hpp).
#pragma once

#include "stslab/core/faketime.hpp"

namespace stslab::harness::adapters {

using core::EnvChanges;
using core::faketime_env;
using core::find_faketime_library;
using core::kFaketimeLibraryGlobs;

}  // namespace stslab::harness::adapters
