// The verdicts in report order, shared by the JSON summary, JUnit and Markdown. Internal.
#pragma once

#include <array>

#include "stslab/harness/outcome.hpp"

namespace stslab::harness {

// Every Verdict, in the order summaries list them. Keep in step with outcome.hpp.
inline constexpr std::array kAllVerdicts = {
    Verdict::pass,         Verdict::fail,        Verdict::warn,  Verdict::info,
    Verdict::inconclusive, Verdict::unsupported, Verdict::error,
};

}  // namespace stslab::harness
