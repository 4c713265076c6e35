#include "stslab/https/response.hpp"

namespace stslab::https {

Response Response::text(std::string body, std::string content_type) {
  Response r;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::with_status(unsigned status, std::string body) {
  Response r;
  r.status = status;
  if (!body.empty()) r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

Response Response::redirect(unsigned status, std::string location) {
  Response r;
  r.status = status;
  r.location = std::move(location);
  return r;
}

}  // namespace stslab::https
