#include "wechat/v2/xml.h"

#include <cstdint>
#include <utility>

#include "wechat/reasons.h"

namespace mileage::wechat::v2 {
namespace {

constexpr std::string_view kCdataOpen = "<![CDATA[";
constexpr std::string_view kCdataClose = "]]>";
constexpr size_t kMaxDeclarationBytes = 128;

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxXmlNameBytes || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

Status Malformed(std::string message) {
  return InvalidArgumentError("v2 XML: " + std::move(message), reason::kV2XmlMalformed);
}
Status Forbidden(std::string message) {
  return InvalidArgumentError("v2 XML: " + std::move(message), reason::kV2XmlForbidden);
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A single-use cursor over one document.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Fields> Parse(std::string_view root) {
    SkipSpace();
    if (Peek("<?xml ")) {
      size_t end = text_.find("?>", pos_);
      if (end == std::string_view::npos || end - pos_ > kMaxDeclarationBytes) {
        return Malformed("unterminated XML declaration");
      }
      std::string_view decl = text_.substr(pos_ + 2, end - pos_ - 2);
      if (decl.find_first_of("<>") != std::string_view::npos) {
        return Malformed("bad XML declaration");
      }
      pos_ = end + 2;
      SkipSpace();
    }
    MILEAGE_RETURN_IF_ERROR(CheckMarkup());
    std::string_view name;
    bool empty_root = false;
    MILEAGE_RETURN_IF_ERROR(OpenTag(name, empty_root));
    if (name != root) return Malformed("root element is not <" + std::string(root) + ">");
    Fields fields;
    if (!empty_root) {
      while (true) {
        SkipSpace();
        if (AtEnd()) return Malformed("unclosed root element");
        if (text_[pos_] != '<') return Malformed("text outside a field");
        if (Peek("</")) {
          MILEAGE_RETURN_IF_ERROR(CloseTag(root));
          break;
        }
        MILEAGE_RETURN_IF_ERROR(CheckMarkup());
        MILEAGE_RETURN_IF_ERROR(Field(fields));
      }
    }
    SkipSpace();
    if (!AtEnd()) return Malformed("content after the root element");
    return fields;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  bool Peek(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  // Rejects markup that a flat message never has, where an element could start.
  Status CheckMarkup() const {
    if (Peek("<!DOCTYPE") || Peek("<!ENTITY") || Peek("<!--") || Peek("<?") ||
        (Peek("<!") && !Peek(kCdataOpen))) {
      return Forbidden("DOCTYPE, ENTITY, comments and processing instructions are not allowed");
    }
    return Status::Ok();
  }

  // Reads "<name>" or "<name/>" at pos_.
  Status OpenTag(std::string_view& name, bool& empty) {
    if (AtEnd() || text_[pos_] != '<') return Malformed("expected an element");
    size_t start = ++pos_;
    while (!AtEnd() && IsNameChar(text_[pos_])) ++pos_;
    name = text_.substr(start, pos_ - start);
    if (!IsValidName(name)) return Malformed("bad element name");
    if (Peek("/>")) {
      pos_ += 2;
      empty = true;
      return Status::Ok();
    }
    if (!Peek(">")) return Malformed("attributes are not allowed");
    ++pos_;
    empty = false;
    return Status::Ok();
  }

  // Reads "</name>" at pos_.
  Status CloseTag(std::string_view name) {
    if (!Peek("</")) return Malformed("expected a closing tag");
    pos_ += 2;
    if (!Peek(name)) return Malformed("mismatched closing tag");
    pos_ += name.size();
    SkipSpace();
    if (!Peek(">")) return Malformed("mismatched closing tag");
    ++pos_;
    return Status::Ok();
  }

  Status Field(Fields& fields) {
    std::string_view name;
    bool empty = false;
    MILEAGE_RETURN_IF_ERROR(OpenTag(name, empty));
    std::string value;
    if (!empty) {
      while (true) {
        if (AtEnd()) return Malformed("unclosed field");
        if (Peek(kCdataOpen)) {
          size_t start = pos_ + kCdataOpen.size();
          size_t end = text_.find(kCdataClose, start);
          if (end == std::string_view::npos) return Malformed("unterminated CDATA");
          value.append(text_.substr(start, end - start));
          pos_ = end + kCdataClose.size();
        } else if (Peek("</")) {
          MILEAGE_RETURN_IF_ERROR(CloseTag(name));
          break;
        } else if (text_[pos_] == '<') {
          MILEAGE_RETURN_IF_ERROR(CheckMarkup());
          return InvalidArgumentError("v2 XML: nested element in field", reason::kV2XmlNested);
        } else if (text_[pos_] == '&') {
          MILEAGE_RETURN_IF_ERROR(Entity(value));
        } else {
          value.push_back(text_[pos_++]);
        }
      }
    }
    if (fields.size() >= kMaxXmlFields) {
      return InvalidArgumentError("v2 XML: too many fields", reason::kV2XmlTooManyFields);
    }
    if (!fields.emplace(std::string(name), std::move(value)).second) {
      return InvalidArgumentError("v2 XML: duplicate field " + std::string(name),
                                  reason::kV2XmlDuplicateField);
    }
    return Status::Ok();
  }

  // Decodes one "&...;" reference at pos_.
  Status Entity(std::string& out) {
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    constexpr size_t kMaxReferenceBytes = 12;
    size_t end = text_.substr(pos_, kMaxReferenceBytes).find(';');
    if (end == std::string_view::npos) return Malformed("bad entity reference");
    std::string_view ref = text_.substr(pos_ + 1, end - 1);
    pos_ += end + 1;
    for (const auto& [entity, c] : kNamed) {
      if (ref == entity) {
        out.push_back(c);
        return Status::Ok();
      }
    }
    if (!ref.starts_with('#')) return Forbidden("undefined entity");
    ref.remove_prefix(1);
    int base = 10;
    if (ref.starts_with('x')) {
      base = 16;
      ref.remove_prefix(1);
    }
    if (ref.empty()) return Malformed("bad character reference");
    uint32_t cp = 0;
    for (char c : ref) {
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return Malformed("bad character reference");
      }
      cp = cp * static_cast<uint32_t>(base) + static_cast<uint32_t>(d);
      if (cp > 0x10FFFF) return Malformed("bad character reference");
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return Malformed("bad character reference");
    AppendUtf8(cp, out);
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void AppendCdata(std::string_view value, std::string& out) {
  out += kCdataOpen;
  size_t start = 0;
  size_t split;
  while ((split = value.find(kCdataClose, start)) != std::string_view::npos) {
    // "]]>" cannot appear in a section: end it after "]]" and continue with ">" in the next.
    out.append(value.substr(start, split + 2 - start));
    out += kCdataClose;
    out += kCdataOpen;
    start = split + 2;
  }
  out.append(value.substr(start));
  out += kCdataClose;
}

}  // namespace

Result<Fields> ParseXml(std::string_view xml, std::string_view root) {
  if (xml.size() > kMaxXmlBytes) {
    return InvalidArgumentError("v2 XML: document too large", reason::kV2XmlTooLarge);
  }
  return Parser(xml).Parse(root);
}

Result<std::string> BuildXml(const Fields& fields) {
  std::string out = "<xml>";
  for (const auto& [name, value] : fields) {
    if (!IsValidName(name)) {
      return InvalidArgumentError("v2 XML: bad field name", reason::kV2XmlBadName);
    }
    out += '<' + name + '>';
    AppendCdata(value, out);
    out += "</" + name + '>';
  }
  out += "</xml>";
  return out;
}

std::string BuildReply(std::string_view return_code, std::string_view return_msg) {
  std::string out = "<xml><return_code>";
  AppendCdata(return_code, out);
  out += "</return_code>";
  if (!return_msg.empty()) {
    out += "<return_msg>";
    AppendCdata(return_msg, out);
    out += "</return_msg>";
  }
  out += "</xml>";
  return out;
}

}  // namespace mileage::wechat::v2
