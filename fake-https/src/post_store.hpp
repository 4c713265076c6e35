// The bodies POST sinks accepted, kept in memory for the harness (TLS-RPT reports over https).
#pragma once

#include <mutex>
#include <string_view>
#include <vector>

#include "stslab/https/server.hpp"

namespace stslab::https {

class PostStore {
 public:
  std::uint64_t next_id();  // for the post about to be added (and journaled)
  void add(StoredPost post);
  void set_journal_seq(std::uint64_t id, std::uint64_t seq);
  std::vector<StoredPost> list(std::string_view vhost) const;  // empty vhost = all
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<StoredPost> posts_;
  std::uint64_t next_id_ = 1;
};

}  // namespace stslab::https
