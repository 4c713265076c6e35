// Which answer a request gets, decided from the vhost's data alone (no I/O), so every branch can
// be tested directly: a scripted GET route, a POST sink, 405 for the wrong method on a known path,
// 404 for an unknown path or when no vhost matched.
#pragma once

#include <string>
#include <string_view>

#include "stslab/https/response.hpp"
#include "stslab/https/vhost.hpp"

namespace stslab::https {

enum class RouteOutcome { scripted, post_sink, method_not_allowed, not_found, no_vhost };

std::string_view to_string(RouteOutcome outcome);  // "scripted", "post_sink", ...

struct RouteDecision {
  RouteOutcome outcome = RouteOutcome::no_vhost;
  const Response* response = nullptr;  // scripted: the route's answer (points into the vhost)
  const PostSink* sink = nullptr;      // post_sink: the sink
  std::string allow;                   // method_not_allowed: the Allow header value
};

// The path part of a request target: "/a?b#c" -> "/a".
std::string_view target_path(std::string_view target);

// `vhost` may be null (nothing matched Host, SNI or the local address).
RouteDecision decide_route(const VirtualHost* vhost, std::string_view method,
                           std::string_view target);

}  // namespace stslab::https
