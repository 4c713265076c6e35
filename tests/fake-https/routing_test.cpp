// Which answer a request gets: scripted route, POST sink, 405, 404 - decided from data alone.
#include "stslab/https/routing.hpp"

#include <gtest/gtest.h>

namespace stslab::https {
namespace {

VirtualHost host_with_route_and_sink() {
  VirtualHost v;
  v.name = "mta-sts.a.test";
  v.routes["/.well-known/mta-sts.txt"] = Response::text("policy");
  v.post_sinks["/tlsrpt"] = PostSink{};
  v.routes["/both"] = Response::text("get");
  v.post_sinks["/both"] = PostSink{};
  return v;
}

TEST(Routing, GetOnARouteIsScripted) {
  const auto v = host_with_route_and_sink();
  const auto d = decide_route(&v, "GET", "/.well-known/mta-sts.txt?x=1");
  EXPECT_EQ(d.outcome, RouteOutcome::scripted);
  ASSERT_NE(d.response, nullptr);
  EXPECT_EQ(d.response->body, "policy");
}

TEST(Routing, PostOnASinkGoesToTheSink) {
  const auto v = host_with_route_and_sink();
  const auto d = decide_route(&v, "POST", "/tlsrpt");
  EXPECT_EQ(d.outcome, RouteOutcome::post_sink);
  EXPECT_NE(d.sink, nullptr);
}

TEST(Routing, WrongMethodOnAKnownPathIs405WithAllow) {
  const auto v = host_with_route_and_sink();
  auto d = decide_route(&v, "POST", "/.well-known/mta-sts.txt");
  EXPECT_EQ(d.outcome, RouteOutcome::method_not_allowed);
  EXPECT_EQ(d.allow, "GET");
  d = decide_route(&v, "HEAD", "/.well-known/mta-sts.txt");
  EXPECT_EQ(d.outcome, RouteOutcome::method_not_allowed);
  d = decide_route(&v, "GET", "/tlsrpt");
  EXPECT_EQ(d.outcome, RouteOutcome::method_not_allowed);
  EXPECT_EQ(d.allow, "POST");
  d = decide_route(&v, "PUT", "/both");
  EXPECT_EQ(d.allow, "GET, POST");
}

TEST(Routing, UnknownPathIsNotFoundAndNoVhostIsNoVhost) {
  const auto v = host_with_route_and_sink();
  EXPECT_EQ(decide_route(&v, "GET", "/nope").outcome, RouteOutcome::not_found);
  EXPECT_EQ(decide_route(&v, "GET", "/.well-known/MTA-STS.txt").outcome, RouteOutcome::not_found);
  EXPECT_EQ(decide_route(nullptr, "GET", "/.well-known/mta-sts.txt").outcome,
            RouteOutcome::no_vhost);
}

TEST(Routing, TargetPathDropsQueryAndFragment) {
  EXPECT_EQ(target_path("/a?b#c"), "/a");
  EXPECT_EQ(target_path("/a#c?b"), "/a");
  EXPECT_EQ(target_path("/a"), "/a");
}

}  // namespace
}  // namespace stslab::https
