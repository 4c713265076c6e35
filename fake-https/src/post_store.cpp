#include "post_store.hpp"

#include <algorithm>

#include "stslab/https/names.hpp"

namespace stslab::https {

std::uint64_t PostStore::next_id() {
  std::lock_guard lock(mutex_);
  return next_id_++;
}

void PostStore::add(StoredPost post) {
  std::lock_guard lock(mutex_);
  // Keep id order even when two sessions finish their posts in the other order.
  const auto at = std::upper_bound(posts_.begin(), posts_.end(), post.id,
                                   [](std::uint64_t id, const StoredPost& p) { return id < p.id; });
  posts_.insert(at, std::move(post));
}

void PostStore::set_journal_seq(std::uint64_t id, std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  for (auto& p : posts_) {
    if (p.id == id) p.journal_seq = seq;
  }
}

std::vector<StoredPost> PostStore::list(std::string_view vhost) const {
  const std::string wanted = normalize_host(vhost);
  std::lock_guard lock(mutex_);
  if (wanted.empty()) return posts_;
  std::vector<StoredPost> out;
  for (const auto& p : posts_) {
    if (normalize_host(p.vhost) == wanted) out.push_back(p);
  }
  return out;
}

void PostStore::clear() {
  std::lock_guard lock(mutex_);
  posts_.clear();
}

}  // namespace stslab::https
