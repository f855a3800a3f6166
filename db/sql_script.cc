#include "db/sql_script.h"

#include <algorithm>
#include <cctype>

namespace mileage::db {
namespace {

// Returns the index just past the comment or quoted text starting at `i`, or `i` when none
// starts there.
size_t SkipCommentOrQuote(std::string_view s, size_t i) {
  const char c = s[i];
  const char next = i + 1 < s.size() ? s[i + 1] : '\0';
  if (c == '#' || (c == '-' && next == '-')) {
    const size_t eol = s.find('\n', i);
    return eol == std::string_view::npos ? s.size() : eol + 1;
  }
  if (c == '/' && next == '*') {
    const size_t end = s.find("*/", i + 2);
    return end == std::string_view::npos ? s.size() : end + 2;
  }
  if (c == '\'' || c == '"' || c == '`') {
    size_t j = i + 1;
    while (j < s.size()) {
      if (s[j] == '\\' && c != '`') {
        j += 2;
        continue;
      }
      if (s[j] == c) {
        // A doubled quote is an escaped quote inside the literal.
        if (j + 1 < s.size() && s[j + 1] == c) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return s.size();
  }
  return i;
}

bool IsComment(std::string_view s, size_t i) {
  const char c = s[i];
  const char next = i + 1 < s.size() ? s[i + 1] : '\0';
  return c == '#' || (c == '-' && next == '-') || (c == '/' && next == '*');
}

// True when `s` holds something other than whitespace and comments.
bool HasCode(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (IsComment(s, i)) {
      i = SkipCommentOrQuote(s, i);
    } else {
      return true;
    }
  }
  return false;
}

std::string Trim(std::string_view s) {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

}  // namespace

std::vector<std::string> SplitSqlScript(std::string_view script) {
  std::vector<std::string> statements;
  size_t start = 0;
  size_t i = 0;
  auto flush = [&](size_t end) {
    const std::string_view piece = script.substr(start, end - start);
    if (HasCode(piece)) statements.push_back(Trim(piece));
  };
  while (i < script.size()) {
    const size_t skipped = SkipCommentOrQuote(script, i);
    if (skipped != i) {
      i = skipped;
    } else if (script[i] == ';') {
      flush(i);
      start = ++i;
    } else {
      ++i;
    }
  }
  flush(script.size());
  return statements;
}

std::string SqlForMessage(std::string_view sql, size_t max_chars) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (out.size() >= max_chars) {
      out += "...";
      return out;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

namespace {

// The first word of `sql` in capitals, after blanks and comments (a migration's statements
// start with their comment).
std::string FirstWord(std::string_view sql) {
  for (;;) {
    const size_t start = sql.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return "";
    sql.remove_prefix(start);
    if (sql.starts_with("--") || sql.starts_with("#")) {
      const size_t eol = sql.find('\n');
      if (eol == std::string_view::npos) return "";
      sql.remove_prefix(eol + 1);
    } else if (sql.starts_with("/*")) {
      const size_t close = sql.find("*/");
      if (close == std::string_view::npos) return "";
      sql.remove_prefix(close + 2);
    } else {
      break;
    }
  }
  std::string word(sql.substr(0, sql.find_first_of(" \t\r\n(")));
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return word;
}

}  // namespace

bool CommitsImplicitly(std::string_view sql) {
  const std::string word = FirstWord(sql);
  return word == "CREATE" || word == "ALTER" || word == "DROP" || word == "RENAME" ||
         word == "TRUNCATE";
}

}  // namespace mileage::db
