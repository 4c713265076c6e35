#include "stslab/sender/dkim.hpp"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "stslab/dns/record.hpp"
#include "stslab/sender/encoding.hpp"
#include "stslab/sender/state_lock.hpp"

namespace stslab::sender {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  // A temporary file, then rename: a half-written key never becomes the key.
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

DkimKey DkimKey::generate() {
  DkimKey k;
  k.key_.reset(EVP_RSA_gen(2048));
  if (!k.key_) throw std::runtime_error("cannot generate an RSA key");
  return k;
}

DkimKey DkimKey::load(const std::filesystem::path& pem) {
  std::ifstream in(pem, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + pem.string());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  DkimKey k;
  k.key_.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k.key_) throw std::runtime_error(pem.string() + " holds no private key");
  return k;
}

std::string DkimKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    throw std::runtime_error("cannot write the private key");
  }
  return bio_text(bio.get());
}

std::string DkimKey::dns_txt() const {
  // RFC 6376 §3.6.1: p= is the base64 of the DER SubjectPublicKeyInfo.
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) throw std::runtime_error("cannot encode the public key");
  const std::string p = base64_encode(std::string_view(reinterpret_cast<char*>(der), n));
  OPENSSL_free(der);
  return "v=DKIM1; k=rsa; s=tlsrpt; p=" + p;
}

std::string dkim_zone_record(const DkimKey& key, std::string_view domain,
                             std::string_view selector) {
  std::string owner = std::string(selector) + "._domainkey." + std::string(domain);
  if (owner.back() != '.') owner += '.';  // absolute: no $ORIGIN may be appended
  return owner + " TXT " + dns::txt_rdata(key.dns_txt());
}

DkimKey load_or_create_dkim_key(const std::filesystem::path& state_dir) {
  const auto dir = state_dir / "dkim";
  const auto pem = dir / "private.pem";
  const auto txt = dir / "selector.txt";
  // Senders side by side would each make a key (2048-bit RSA: a quarter second of CPU each) and
  // overwrite each other's: the first makes it, the rest wait and read it.
  const StateLock lock(dir);
  if (std::filesystem::exists(pem)) {
    auto key = DkimKey::load(pem);
    if (!std::filesystem::exists(txt)) write_file(txt, key.dns_txt() + "\n");
    return key;
  }
  auto key = DkimKey::generate();
  write_file(pem, key.private_pem());
  std::filesystem::permissions(
      pem, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  write_file(txt, key.dns_txt() + "\n");
  return key;
}

void ensure_dkim_key(const std::filesystem::path& state_dir, std::ostream& diag) {
  try {
    load_or_create_dkim_key(state_dir);
  } catch (const std::exception& e) {
    diag << "stslab-sender: DKIM key: " << e.what() << '\n';
  }
}

std::vector<HeaderField> split_message(std::string_view message, std::string& body) {
  std::vector<HeaderField> fields;
  std::size_t pos = 0;
  while (pos < message.size()) {
    auto eol = message.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = message.size();
    const auto line = message.substr(pos, eol - pos);
    pos = std::min(eol + 2, message.size());
    if (line.empty()) break;  // the empty line ends the header section
    if (is_wsp(line.front()) && !fields.empty()) {
      fields.back().value += "\r\n" + std::string(line);  // a continuation line (folding)
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a field; we never write such lines
    fields.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  body = std::string(message.substr(pos));
  return fields;
}

std::string relaxed_header(std::string_view name, std::string_view value) {
  std::string n = lower(name);
  while (!n.empty() && is_wsp(n.back()))
    n.pop_back();
  std::string v;
  bool blank = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfold
    if (is_wsp(c)) {
      blank = true;
      continue;
    }
    if (blank && !v.empty()) v += ' ';
    blank = false;
    v += c;
  }
  return n + ":" + v + "\r\n";
}

std::string relaxed_body(std::string_view body) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto eol = body.find("\r\n", pos);
    const bool last = eol == std::string_view::npos;
    if (last) eol = body.size();
    std::string line;
    bool blank = false;
    for (char c : body.substr(pos, eol - pos)) {
      if (is_wsp(c)) {
        blank = true;
        continue;
      }
      if (blank) line += ' ';
      blank = false;
      line += c;
    }
    lines.push_back(std::move(line));  // blanks at the line end are dropped with `blank`
    pos = last ? body.size() : eol + 2;
  }
  while (!lines.empty() && lines.back().empty())
    lines.pop_back();
  std::string out;
  for (const auto& l : lines)
    out += l + "\r\n";
  return out;
}

std::string dkim_signed_data(std::string_view message, std::string_view signature_field,
                             const std::vector<std::string>& signed_headers) {
  std::string body;
  auto fields = split_message(message, body);
  std::vector<bool> used(fields.size(), false);
  std::string data;
  for (const auto& name : signed_headers) {
    // RFC 6376 §5.4.2: each name takes the last unused instance; a missing one adds nothing.
    for (std::size_t i = fields.size(); i-- > 0;) {
      if (!used[i] && lower(fields[i].name) == lower(name)) {
        used[i] = true;
        data += relaxed_header(fields[i].name, fields[i].value);
        break;
      }
    }
  }
  // The signature field with the b= value emptied, canonicalized, without the final CRLF.
  std::string sig_body;
  auto sig_fields = split_message(std::string(signature_field) + "\r\n", sig_body);
  if (sig_fields.size() != 1) throw std::runtime_error("not one DKIM-Signature field");
  std::string value = sig_fields.front().value;
  std::size_t b = std::string::npos;
  for (std::size_t i = 0; i + 1 < value.size(); ++i) {
    // the tag "b=" (not "bh="): at the start or after ';' and blanks
    if (value[i] == 'b' && value[i + 1] == '=') {
      std::size_t j = i;
      while (j > 0 && (is_wsp(value[j - 1]) || value[j - 1] == '\r' || value[j - 1] == '\n'))
        --j;
      if (j == 0 || value[j - 1] == ';') {
        b = i + 2;
        break;
      }
    }
  }
  if (b == std::string::npos) throw std::runtime_error("DKIM-Signature without b=");
  const auto end = value.find(';', b);
  value.erase(b, end == std::string::npos ? std::string::npos : end - b);
  std::string canon = relaxed_header(sig_fields.front().name, value);
  canon.resize(canon.size() - 2);
  return data + canon;
}

std::string dkim_signature_field(std::string_view message, const DkimKey& key,
                                 const DkimRequest& request) {
  std::string body;
  split_message(message, body);
  const std::string bh = base64_encode(sha256(relaxed_body(body)));
  std::string h;
  for (const auto& name : request.signed_headers)
    h += (h.empty() ? "" : ":") + lower(name);
  // No l= tag, ever (RFC 8460 §3, RPT-13): the whole body is signed.
  const std::string unsigned_field =
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + request.domain +
      "; s=" + request.selector + "; t=" + std::to_string(request.timestamp) + ";\r\n\th=" + h +
      ";\r\n\tbh=" + bh + ";\r\n\tb=";
  const std::string data = dkim_signed_data(message, unsigned_field, request.signed_headers);

  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw std::runtime_error("DKIM: cannot start signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error("DKIM: signing failed");
  }
  sig.resize(len);
  return unsigned_field + base64_encode(sig) + "\r\n";
}

}  // namespace stslab::sender
