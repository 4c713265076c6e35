// SmtpServer's shared state. Sessions and listeners hold it by shared_ptr, so it outlives
// stop() and the SmtpServer object for as long as any of them still runs.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stslab/core/session_set.hpp"
#include "stslab/smtp/server.hpp"
#include "tls_material.hpp"

namespace stslab::smtp::detail {

class Listener;
class Session;

// What a session works on: its vhost as it was when the connection opened.
struct VhostSnapshot {
  std::shared_ptr<const Vhost> config;
  std::shared_ptr<const TlsMaterial> tls;  // null when the vhost does not offer STARTTLS
};

}  // namespace stslab::smtp::detail

namespace stslab::smtp {

struct SmtpServer::Impl : std::enable_shared_from_this<SmtpServer::Impl> {
  struct Entry {
    std::shared_ptr<const Vhost> config;
    std::shared_ptr<const detail::TlsMaterial> tls;  // cache for `config`
    std::vector<std::shared_ptr<detail::Listener>> listeners;
  };

  Impl(boost::asio::io_context& io_context, core::Journal& j, core::LabPki& p, Options o)
      : io(io_context), journal(j), pki(p), options(std::move(o)) {}

  // Opens the listeners of `entry` for vhost `name` ("" = the default vhost). Caller holds
  // `mutex`. Throws std::system_error; on throw nothing of this entry stays open.
  void open_listeners(const std::string& name, Entry& entry);
  void close_listeners(Entry& entry);
  Entry* find(std::string_view name);  // "" or the default's name = the default vhost
  const Entry* find(std::string_view name) const;

  // The vhost for a connection accepted by the listener of vhost `name`.
  detail::VhostSnapshot snapshot(const std::string& name);

  void add_session(const std::shared_ptr<detail::Session>& s, std::uint64_t id);
  void remove_session(std::uint64_t id);
  // Stores an accepted message and returns its id (the journal seq is filled in later).
  std::uint64_t store(StoredMessage m);
  void set_journal_seq(std::uint64_t id, std::uint64_t seq);

  boost::asio::io_context& io;
  core::Journal& journal;
  core::LabPki& pki;
  const Options options;

  mutable std::mutex mutex;
  bool running = false;
  Entry default_entry;
  std::map<std::string, Entry, std::less<>> vhosts;
  core::SessionSet<detail::Session> sessions;  // closed while the server is stopped
  std::vector<StoredMessage> messages;
  std::uint64_t next_message_id = 1;
};

}  // namespace stslab::smtp
