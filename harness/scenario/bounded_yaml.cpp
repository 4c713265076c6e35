#include "stslab/harness/bounded_yaml.hpp"

#include <sys/stat.h>
#include <yaml-cpp/eventhandler.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace stslab::harness {
namespace {

int line_of(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.line + 1;
}

// Counts the octets the documents would have with every alias replaced by its anchor's
// subtree, and stops as soon as that passes the limit.
//
// It also stops yaml-cpp 0.7 going round in circles: a token that cannot start a node (a ','
// at the start of a line outside [ ] or { }) is never consumed, so HandleNextDocument reports
// one null document after another at the same place, forever (yaml-cpp issue #1040; fixed
// upstream after the 0.7 Debian ships). A new document must start past the previous one.
class ExpansionMeter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (mark.pos <= last_document_pos_) {
      throw YamlLoadError(line_of(mark),
                          "YAML syntax error: nothing here can start a value (a stray ',', ']' "
                          "or '}' outside a [ ] or { } list?)");
    }
    last_document_pos_ = mark.pos;
    anchors_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { node(mark, anchor, 1); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    add(mark, it == anchors_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    node(mark, anchor, value.size() + 1);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::size_t size;
  };

  void node(const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t size) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = size;
    add(mark, size);
  }
  void add(const YAML::Mark& mark, std::size_t size) {
    total_ += size;
    if (total_ > kMaxYamlExpandedBytes) {
      throw YamlLoadError(line_of(mark), "anchors and aliases expand to more than " +
                                             std::to_string(kMaxYamlExpandedBytes) + " octets");
    }
    if (!open_.empty()) open_.back().size += size;
  }
  void close() {
    if (open_.empty()) return;
    const auto done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) anchors_[done.anchor] = done.size;
    if (!open_.empty()) open_.back().size += done.size;
  }

  std::map<YAML::anchor_t, std::size_t> anchors_;
  std::vector<Open> open_;
  std::size_t total_ = 0;
  int last_document_pos_ = -1;  // before the first document: any position is past it
};

std::string read_limited(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw YamlLoadError(0, std::string("cannot read the file: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw YamlLoadError(0, "is a directory, not a file");
  if (!S_ISREG(st.st_mode)) throw YamlLoadError(0, "is not a regular file");
  if (static_cast<std::size_t>(st.st_size) > kMaxYamlFileBytes) {
    throw YamlLoadError(0, "is larger than " + std::to_string(kMaxYamlFileBytes) + " octets");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw YamlLoadError(0, std::string("cannot read the file: ") + std::strerror(errno));
  std::string text(kMaxYamlFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxYamlFileBytes) {  // it grew since stat
    throw YamlLoadError(0, "is larger than " + std::to_string(kMaxYamlFileBytes) + " octets");
  }
  return text;
}

}  // namespace

std::string describe_yaml_error(const std::string& path, const YAML::Exception& e) {
  std::string message = e.msg;
  if (message.rfind("bad conversion", 0) == 0) {
    message =
        "a value of the wrong kind here (a list or map where text belongs, text where a "
        "number or yes/no belongs, or the reverse)";
  } else if (message.rfind("invalid node", 0) == 0) {
    message = "a value is missing here (an empty entry, or a key given no value)";
  } else if (dynamic_cast<const YAML::ParserException*>(&e) != nullptr) {
    message = "YAML syntax error: " + message;
  }
  const int line = line_of(e.mark);
  return path + (line > 0 ? ":" + std::to_string(line) : "") + ": " + message;
}

std::string describe_load_error(const std::string& path, const YamlLoadError& e) {
  return path + (e.line() > 0 ? ":" + std::to_string(e.line()) : "") + ": " + e.what();
}

std::vector<YAML::Node> load_bounded_yaml(const std::string& path) {
  const std::string text = read_limited(path);
  try {
    {
      std::istringstream stream(text);
      YAML::Parser parser(stream);
      ExpansionMeter meter;
      while (parser.HandleNextDocument(meter)) {
      }
    }
    return YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw YamlLoadError(line_of(e.mark), "YAML syntax error: " + e.msg);
  }
}

}  // namespace stslab::harness
