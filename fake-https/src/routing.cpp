#include "stslab/https/routing.hpp"

namespace stslab::https {

std::string_view to_string(RouteOutcome outcome) {
  switch (outcome) {
    case RouteOutcome::scripted:
      return "scripted";
    case RouteOutcome::post_sink:
      return "post_sink";
    case RouteOutcome::method_not_allowed:
      return "method_not_allowed";
    case RouteOutcome::not_found:
      return "not_found";
    case RouteOutcome::no_vhost:
      return "no_vhost";
  }
  return "unknown";
}

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

RouteDecision decide_route(const VirtualHost* vhost, std::string_view method,
                           std::string_view target) {
  RouteDecision d;
  if (vhost == nullptr) return d;
  // std::map<std::string, ...>::find needs a std::string key (no transparent comparator).
  const std::string path(target_path(target));
  const auto route = vhost->routes.find(path);
  const auto sink = vhost->post_sinks.find(path);
  const bool has_route = route != vhost->routes.end();
  const bool has_sink = sink != vhost->post_sinks.end();

  if (method == "GET" && has_route) {
    d.outcome = RouteOutcome::scripted;
    d.response = &route->second;
  } else if (method == "POST" && has_sink) {
    d.outcome = RouteOutcome::post_sink;
    d.sink = &sink->second;
  } else if (has_route || has_sink) {
    d.outcome = RouteOutcome::method_not_allowed;
    d.allow = has_route && has_sink ? "GET, POST" : has_route ? "GET" : "POST";
  } else {
    d.outcome = RouteOutcome::not_found;
  }
  return d;
}

}  // namespace stslab::https
