// The typed events: their JSON is the journal's wire form (written, read back, lenient with
// what peers wrote), their evidence lines, and docs/events/ against the structs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "stslab/core/events/all.hpp"
#include "stslab/core/events/catalog.hpp"

namespace ev = stslab::core::events;
using nlohmann::json;
using stslab::core::Event;

namespace {

Event event_of(std::string kind, json data, std::string host = "mx1.a.test") {
  Event e;
  e.kind = std::move(kind);
  e.host = std::move(host);
  e.data = std::move(data);
  return e;
}

}  // namespace

TEST(TypedEvents, AnEmptyOptionalIsWrittenAsNullAndAWhenSetFieldOnlyWhenSet) {
  ev::SmtpTls tls{.session = 4, .ok = true, .version = "TLSv1.3", .cert_profile = "valid"};
  const json data = ev::to_data(tls);
  EXPECT_EQ(data["session"], 4);
  EXPECT_EQ(data["version"], "TLSv1.3");
  ASSERT_TRUE(data.contains("sni"));
  EXPECT_TRUE(data["sni"].is_null());

  const json plain = ev::to_data(ev::SmtpCommand{.session = 1, .line = "EHLO x"});
  EXPECT_FALSE(plain.contains("bare_lf"));
  EXPECT_FALSE(plain.contains("overlong"));
  const json odd = ev::to_data(ev::SmtpCommand{.session = 1, .line = "EHLO x", .bare_lf = true});
  EXPECT_EQ(odd["bare_lf"], true);
}

TEST(TypedEvents, ReadingBackGivesTheSameStruct) {
  const ev::SmtpMessage m{.session = 7,
                          .message_id = 3,
                          .queue_id = "7.1",
                          .mail_from = "a@b.test",
                          .rcpts = {"m1@a.test", "m2@a.test"},
                          .size = 120,
                          .sha256 = "ab",
                          .chunked = true,
                          .tls = true,
                          .tls_version = "TLSv1.2"};
  const auto back = ev::from_data<ev::SmtpMessage>(ev::to_data(m));
  EXPECT_EQ(back.session, 7u);
  EXPECT_EQ(back.message_id, 3u);
  EXPECT_EQ(back.rcpts, m.rcpts);
  EXPECT_TRUE(back.chunked);
  EXPECT_EQ(back.tls_version, "TLSv1.2");
  EXPECT_EQ(ev::to_data(back), ev::to_data(m));
}

TEST(TypedEvents, AMergedBagSitsBesideTheNamedFieldsWhichWin) {
  ev::MitmAttack a{.session = 2, .attack = "intercept-tls", .action = "intercepted"};
  a.details = {{"profile", "self-signed"}, {"action", "from the details"}};
  const json data = ev::to_data(a);
  EXPECT_EQ(data["profile"], "self-signed");
  EXPECT_EQ(data["action"], "intercepted");
  const auto back = ev::from_data<ev::MitmAttack>(data);
  EXPECT_EQ(back.details, json({{"profile", "self-signed"}}));
  EXPECT_EQ(back.action, "intercepted");
}

TEST(TypedEvents, FieldsOfTheWrongTypeOrMissingReadAsDefaults) {
  // Log lines and peers fill the journal too: nothing they write may throw in the judge.
  const auto d = ev::from_data<ev::MtaDelivery>(
      {{"recipient", 5}, {"status", "deferred"}, {"tls", false}, {"pid", "123"}});
  EXPECT_EQ(d.recipient, "");
  EXPECT_EQ(d.status, "deferred");
  ASSERT_TRUE(d.tls.has_value());
  EXPECT_EQ(*d.tls, false);
  EXPECT_EQ(d.details, json({{"pid", "123"}}));
  const auto m = ev::from_data<ev::SmtpMessage>({{"rcpts", {"a@b", 3, nullptr}}, {"tls", "yes"}});
  EXPECT_EQ(m.rcpts, std::vector<std::string>{"a@b"});
  EXPECT_FALSE(m.tls);
  EXPECT_EQ(ev::from_data<ev::SmtpTls>(json::array()).session, 0u);
}

TEST(TypedEvents, AsReadsOnlyItsOwnKind) {
  const Event e = event_of("smtp.reply", {{"session", 1}, {"code", 250}, {"text", "ok"}});
  EXPECT_TRUE(ev::as<ev::SmtpReply>(e).has_value());
  EXPECT_FALSE(ev::as<ev::SmtpCommand>(e).has_value());
}

TEST(TypedEvents, EvidenceLinesNameWhatHappened) {
  EXPECT_EQ(ev::describe(event_of("smtp.reply", {{"session", 3}, {"code", 250}, {"text", "ok"}})),
            "#3 mx1.a.test S: 250 ok");
  EXPECT_EQ(ev::describe(event_of("smtp.tls", {{"session", 3},
                                               {"ok", false},
                                               {"cert_profile", "expired"},
                                               {"error", "handshake failed"},
                                               {"alert", "certificate expired"}})),
            "#3 mx1.a.test TLS failed cert=expired: certificate expired");
  EXPECT_EQ(ev::describe(event_of("mitm.intercepted_mail", {{"session", 2}, {"command", "DATA"}})),
            "#2 mx1.a.test client sent DATA inside the attacker's TLS");
  EXPECT_EQ(ev::describe(event_of("dns.query", {{"transport", "udp"},
                                                {"qtype", "TXT"},
                                                {"qname", "_mta-sts.a.test"},
                                                {"rcode", "NOERROR"},
                                                {"answer_count", 1},
                                                {"fault", nullptr}})),
            "udp TXT _mta-sts.a.test -> NOERROR (1 answers)");
  EXPECT_EQ(ev::describe(event_of("smtp.session.open", {{"session", 1}})), "");
  EXPECT_EQ(ev::describe(event_of("no.such.kind", {})), "");
}

TEST(TypedEvents, CatalogKindsAreUnique) {
  std::set<std::string_view> seen;
  for (const auto& k : ev::catalog())
    EXPECT_TRUE(seen.insert(k.kind).second) << k.kind;
  EXPECT_NE(ev::find_kind("smtp.tls"), nullptr);
}

namespace {

struct DocRow {
  std::string file;
  std::string row;
  std::string preamble;  // the file's text before its first table: fields every event has
};

// Every table row of docs/events/*.md whose first cell is a dotted kind ("`smtp.tls`").
std::vector<std::pair<std::string, DocRow>> documented_kinds() {
  std::vector<std::pair<std::string, DocRow>> out;
  const std::filesystem::path dir = std::filesystem::path(STSLAB_SOURCE_DIR) / "docs" / "events";
  const std::regex first_cell(R"(^\| `([a-z_]+(\.[a-z_]+)+)` \|)");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".md") continue;
    std::ifstream in(entry.path());
    std::string preamble, line;
    bool in_table = false;
    while (std::getline(in, line)) {
      if (!in_table && line.rfind("|", 0) == 0) in_table = true;
      if (!in_table) preamble += line + "\n";
      std::smatch m;
      if (std::regex_search(line, m, first_cell)) {
        out.push_back({m[1], {entry.path().filename().string(), line, preamble}});
      }
    }
  }
  return out;
}

}  // namespace

TEST(EventDocs, EveryKindIsDocumentedWithEveryField) {
  const auto docs = documented_kinds();
  for (const auto& k : ev::catalog()) {
    std::vector<const DocRow*> rows;
    for (const auto& [kind, row] : docs) {
      if (kind == k.kind) rows.push_back(&row);
    }
    if (rows.empty()) {
      ADD_FAILURE() << k.kind << " has no row in docs/events/";
      continue;
    }
    for (const auto name : k.fields) {
      const std::string quoted = "`" + std::string(name) + "`";
      const std::string bold = "**" + std::string(name) + "**";
      const std::string bold_data = "**data." + std::string(name) + "**";
      const std::string data_quoted = "`data." + std::string(name) + "`";
      const std::string with_value = "`" + std::string(name) + ": ";  // "`bare_lf: true`"
      const bool found = std::any_of(rows.begin(), rows.end(), [&](const DocRow* r) {
        for (const auto& needle : {quoted, bold, bold_data, data_quoted, with_value}) {
          if (r->row.find(needle) != std::string::npos ||
              r->preamble.find(needle) != std::string::npos) {
            return true;
          }
        }
        return false;
      });
      EXPECT_TRUE(found) << k.kind << ": field `" << name << "` is not in its row of "
                         << rows.front()->file;
    }
  }
}

TEST(EventDocs, EveryDocumentedKindIsAStruct) {
  for (const auto& [kind, row] : documented_kinds()) {
    EXPECT_NE(ev::find_kind(kind), nullptr)
        << row.file << " documents " << kind << ", which no struct in core/events/ declares";
  }
}
