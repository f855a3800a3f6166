#include "server/http/csv.h"

#include "common/money.h"

namespace mileage::server {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool NeedsGuard(std::string_view cell) {
  if (cell.empty()) return false;
  const char c = cell.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool NeedsQuotes(std::string_view cell) {
  return cell.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

std::string CsvCell(std::string_view cell) {
  std::string text;
  if (NeedsGuard(cell)) text += '\'';
  text += cell;
  if (!NeedsQuotes(text)) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

CsvWriter::CsvWriter() : body_(kByteOrderMark) {}

void CsvWriter::Separate() {
  if (row_started_) body_ += ',';
  row_started_ = true;
}

void CsvWriter::Raw(std::string_view cell) {
  Separate();
  body_ += cell;
}

CsvWriter& CsvWriter::Text(std::string_view cell) {
  Raw(CsvCell(cell));
  return *this;
}

CsvWriter& CsvWriter::Int(int64_t value) {
  Raw(std::to_string(value));
  return *this;
}

CsvWriter& CsvWriter::Yuan(int64_t fen) {
  Raw(Money::Fen(fen).ToYuanString());
  return *this;
}

void CsvWriter::EndRow() {
  body_ += "\r\n";
  row_started_ = false;
  ++rows_;
}

void WriteCsv(httplib::Response& res, std::string_view filename, std::string body) {
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  res.set_content(std::move(body), "text/csv; charset=utf-8");
}

}  // namespace mileage::server
