// The one place that talks to libopendkim: a library handle and a message handle, both owned
// (RAII), the message fed in one chunk, each signature's outcome read back after dkim_eom.
#include "stslab/tlsrpt/dkim_verify.hpp"

// opendkim/dkim.h declares _Bool parameters, which C++ knows only through GCC's <stdbool.h>.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
// (keep <stdbool.h> above <opendkim/dkim.h>; clang-format would sort it after)
#include <opendkim/dkim.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include "stslab/tlsrpt/names.hpp"
#include "stslab/tlsrpt/strict_json.hpp"

namespace stslab::tlsrpt {
namespace {

struct LibClose {
  void operator()(DKIM_LIB* lib) const { dkim_close(lib); }
};
struct MessageFree {
  void operator()(DKIM* dkim) const { dkim_free(dkim); }
};
using LibPtr = std::unique_ptr<DKIM_LIB, LibClose>;
using MessagePtr = std::unique_ptr<DKIM, MessageFree>;

// OpenDKIM's own default (DEFCLOCKDRIFT): how far t= may be in the future, x= in the past.
constexpr std::uint64_t kClockDrift = 300;

// What the key lookup callback needs, reachable through dkim_get_user_context().
struct LookupContext {
  const DkimKeyLookup* lookup = nullptr;
  std::map<DKIM_SIGINFO*, bool> key_for_tlsrpt;  // per signature whose key was found
};

bool is_fws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && is_fws(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_fws(s.back()))
    s.remove_suffix(1);
  return std::string(s);
}

// RFC 8460 §3 gives TLS-RPT keys the service type "tlsrpt" (s=tlsrpt), which OpenDKIM, knowing
// only "email" and "*", would refuse ("key type mismatch"). This verifier is a TLS-RPT receiver,
// so such a key is handed over with "email" added to its s= list. Returns whether s= named it.
bool admit_tlsrpt_service(std::string& record) {
  std::size_t start = 0;
  while (start <= record.size()) {
    const std::size_t semi = std::min(record.find(';', start), record.size());
    const std::string_view spec(record.data() + start, semi - start);
    const std::size_t eq = spec.find('=');
    if (eq != std::string_view::npos && trimmed(spec.substr(0, eq)) == "s") {
      std::string_view value = spec.substr(eq + 1);
      bool tlsrpt = false;
      while (!value.empty()) {
        const std::size_t colon = std::min(value.find(':'), value.size());
        tlsrpt = tlsrpt || lower(trimmed(value.substr(0, colon))) == "tlsrpt";
        value.remove_prefix(std::min(colon + 1, value.size()));
      }
      if (tlsrpt) record.insert(semi, ":email");
      return tlsrpt;
    }
    start = semi + 1;
  }
  return false;
}

DKIM_CBSTAT key_lookup(DKIM* dkim, DKIM_SIGINFO* sig, unsigned char* buf, size_t buflen) {
  // A C callback: nothing may be thrown through libopendkim.
  try {
    auto* context = static_cast<LookupContext*>(dkim_get_user_context(dkim));
    const auto* selector = reinterpret_cast<const char*>(dkim_sig_getselector(sig));
    const auto* domain = reinterpret_cast<const char*>(dkim_sig_getdomain(sig));
    if (context == nullptr || selector == nullptr || domain == nullptr) return DKIM_CBSTAT_ERROR;
    auto record = (*context->lookup)(std::string(selector) + "._domainkey." + domain);
    if (!record) return DKIM_CBSTAT_NOTFOUND;
    context->key_for_tlsrpt[sig] = admit_tlsrpt_service(*record);
    if (record->size() + 1 > buflen) return DKIM_CBSTAT_ERROR;
    std::memcpy(buf, record->c_str(), record->size() + 1);
    return DKIM_CBSTAT_CONTINUE;
  } catch (...) {
    return DKIM_CBSTAT_ERROR;
  }
}

DkimStatus classify(DKIM_SIGINFO* sig) {
  const unsigned flags = dkim_sig_getflags(sig);
  const int bh = dkim_sig_getbh(sig);
  if ((flags & DKIM_SIGFLAG_PASSED) != 0) {
    return bh == DKIM_SIGBH_MATCH ? DkimStatus::verified : DkimStatus::body_hash_mismatch;
  }
  switch (dkim_sig_geterror(sig)) {
    case DKIM_SIGERROR_BADSIG:
      return DkimStatus::signature_mismatch;
    case DKIM_SIGERROR_NOKEY:
    case DKIM_SIGERROR_KEYFAIL:
      return DkimStatus::no_key;
    case DKIM_SIGERROR_DNSSYNTAX:
    case DKIM_SIGERROR_MULTIREPLY:
    case DKIM_SIGERROR_KEYVERSION:
    case DKIM_SIGERROR_KEYUNKNOWNHASH:
    case DKIM_SIGERROR_KEYHASHMISMATCH:
    case DKIM_SIGERROR_NOTEMAILKEY:
    case DKIM_SIGERROR_KEYTYPEMISSING:
    case DKIM_SIGERROR_KEYTYPEUNKNOWN:
    case DKIM_SIGERROR_KEYREVOKED:
    case DKIM_SIGERROR_KEYDECODE:
    case DKIM_SIGERROR_KEYTOOSMALL:
    case DKIM_SIGERROR_SUBDOMAIN:
      return DkimStatus::key_unusable;
    case DKIM_SIGERROR_OK:
    case DKIM_SIGERROR_UNKNOWN:
      // Processed with a key and no error recorded, yet not passed: the signature is wrong.
      return (flags & DKIM_SIGFLAG_PROCESSED) != 0 ? DkimStatus::signature_mismatch
                                                   : DkimStatus::malformed;
    default:
      return DkimStatus::malformed;
  }
}

std::string detail(DKIM_SIGINFO* sig, DkimStatus status, const std::string& lib_error) {
  switch (status) {
    case DkimStatus::verified:
      return "";
    case DkimStatus::body_hash_mismatch:
      return "body hash mismatch: the body is not what was signed";
    case DkimStatus::signature_mismatch: {
      std::string out = "signature mismatch: the signed header fields (or the key) differ";
      if (dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH)
        out += "; the body hash does not match either";
      return out;
    }
    default:
      break;
  }
  const int error = dkim_sig_geterror(sig);
  const char* text = error > 0 ? dkim_sig_geterrorstr(error) : nullptr;
  if (text != nullptr) return text;
  return lib_error.empty() ? std::string("not evaluated") : lib_error;
}

// The header section: the lines before the first empty one (CRLF or bare LF line ends).
std::string_view header_section(std::string_view message) {
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t eol = message.find('\n', pos);
    if (eol == std::string_view::npos) break;
    const std::string_view line = message.substr(pos, eol - pos);
    if (line.empty() || line == "\r") return message.substr(0, pos);
    pos = eol + 1;
  }
  return message;
}

// How many DKIM-Signature fields the header section has (a field starts a line; a line that
// starts with a space or a tab continues the one before).
int count_signature_fields(std::string_view header) {
  constexpr std::string_view kName = "dkim-signature";
  int count = 0;
  std::size_t pos = 0;
  while (pos < header.size()) {
    const std::size_t eol = std::min(header.find('\n', pos), header.size());
    std::string_view line = header.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.size() <= kName.size() || lower(line.substr(0, kName.size())) != kName) continue;
    line.remove_prefix(kName.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    if (!line.empty() && line.front() == ':') ++count;
  }
  return count;
}

}  // namespace

std::string_view to_string(DkimStatus status) {
  switch (status) {
    case DkimStatus::verified:
      return "verified";
    case DkimStatus::body_hash_mismatch:
      return "body-hash-mismatch";
    case DkimStatus::signature_mismatch:
      return "signature-mismatch";
    case DkimStatus::no_key:
      return "no-key";
    case DkimStatus::key_unusable:
      return "key-unusable";
    case DkimStatus::malformed:
      return "malformed";
  }
  return "?";
}

std::vector<DkimResult> verify_dkim(std::string_view message, const DkimVerifyOptions& options) {
  if (!options.lookup) throw std::invalid_argument("verify_dkim: no key lookup given");
  // An mbox "From " line is no header field.
  if (message.starts_with("From ")) {
    const auto eol = message.find('\n');
    message.remove_prefix(eol == std::string_view::npos ? message.size() : eol + 1);
  }
  // RFC 5322 allows no NUL in a header field, and libopendkim 2.11 reads past the end of its
  // copy of a From: field that holds one (found by fuzz_tlsrpt_mail, AddressSanitizer). Such a
  // message is not given to it: each signature is malformed, and says why.
  if (const std::string_view header = header_section(message);
      header.find('\0') != std::string_view::npos) {
    std::vector<DkimResult> refused(static_cast<std::size_t>(count_signature_fields(header)));
    for (DkimResult& r : refused) {
      r.status = DkimStatus::malformed;
      r.detail = "the header holds a NUL octet, which RFC 5322 forbids; not verified";
    }
    return refused;
  }
  LibPtr lib(dkim_init(nullptr, nullptr));
  if (!lib) throw std::runtime_error("libopendkim: dkim_init failed");
  // Signatures with syntax errors still get a handle (and so a result); bare LFs are read as
  // line ends, for mails saved by tools that drop the CRs.
  unsigned flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_FIXCRLF;
  std::uint64_t drift = kClockDrift + static_cast<std::uint64_t>(std::max<std::int64_t>(
                                          0, options.signer_clock_ahead.count()));
  if (dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) !=
          DKIM_STAT_OK ||
      dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_CLOCKDRIFT, &drift, sizeof drift) !=
          DKIM_STAT_OK ||
      dkim_set_key_lookup(lib.get(), key_lookup) != DKIM_STAT_OK) {
    throw std::runtime_error("libopendkim: cannot set the verifier's options");
  }
  DKIM_STAT status = DKIM_STAT_OK;
  MessagePtr dkim(
      dkim_verify(lib.get(), reinterpret_cast<const unsigned char*>("tlsrpt"), nullptr, &status));
  if (!dkim) {
    throw std::runtime_error(std::string("libopendkim: dkim_verify failed: ") +
                             dkim_getresultstr(status));
  }
  LookupContext context{.lookup = &options.lookup, .key_for_tlsrpt = {}};
  dkim_set_user_context(dkim.get(), &context);

  // dkim_chunk wants a writable buffer; it does not keep it.
  std::string bytes(message);
  status = dkim_chunk(dkim.get(), reinterpret_cast<unsigned char*>(bytes.data()), bytes.size());
  if (status == DKIM_STAT_OK) status = dkim_chunk(dkim.get(), nullptr, 0);
  if (status == DKIM_STAT_OK) {
    bool testkey = false;
    status = dkim_eom(dkim.get(), &testkey);
  }
  const char* lib_error_text = dkim_geterror(dkim.get());
  const std::string lib_error = lib_error_text ? lib_error_text : dkim_getresultstr(status);

  std::vector<DkimResult> out;
  DKIM_SIGINFO** sigs = nullptr;
  int count = 0;
  if (dkim_getsiglist(dkim.get(), &sigs, &count) != DKIM_STAT_OK || sigs == nullptr) return out;
  for (int i = 0; i < count; ++i) {
    DKIM_SIGINFO* sig = sigs[i];
    DkimResult r;
    // d= and s= are the sender's raw bytes, which need not be UTF-8; findings and the lab's
    // journal quote them as JSON.
    if (const auto* d = dkim_sig_getdomain(sig)) {
      r.domain = to_valid_utf8(lower(reinterpret_cast<const char*>(d)));
    }
    if (const auto* s = dkim_sig_getselector(sig)) {
      r.selector = to_valid_utf8(reinterpret_cast<const char*>(s));
    }
    r.status = classify(sig);
    r.detail = to_valid_utf8(detail(sig, r.status, lib_error));
    if (const auto it = context.key_for_tlsrpt.find(sig); it != context.key_for_tlsrpt.end()) {
      r.key_for_tlsrpt = it->second;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace stslab::tlsrpt
