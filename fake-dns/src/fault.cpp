#include "stslab/dns/fault.hpp"

#include <array>
#include <utility>

namespace stslab::dns {
namespace {

constexpr std::array<std::pair<Fault, std::string_view>, 5> kNames{{
    {Fault::servfail, "servfail"},
    {Fault::refused, "refused"},
    {Fault::nxdomain, "nxdomain"},
    {Fault::timeout, "timeout"},
    {Fault::truncate, "truncate"},
}};

}  // namespace

std::string_view to_string(Fault fault) {
  for (const auto& [f, name] : kNames)
    if (f == fault) return name;
  return "unknown";
}

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& [f, n] : kNames)
    if (n == name) return f;
  return std::nullopt;
}

}  // namespace stslab::dns
