#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/paging.h"
#include "common/result.h"

namespace mileage::server {

// Builds a CSV document for spreadsheet users: a UTF-8 byte order mark first (so that Excel
// reads Chinese text as UTF-8), CRLF line ends and RFC 4180 quoting (a cell holding a comma,
// a quote, CR or LF is quoted, quotes doubled). Text cells are guarded against formula
// injection: one starting with = + - @, a tab or CR gets a leading apostrophe, so a
// spreadsheet shows it as text. Numbers written with Int() or Yuan() are not guarded (they
// are ours, and "-5" must stay a number). A value type; not for concurrent use.
class CsvWriter {
 public:
  CsvWriter();

  // One cell of the current row.
  CsvWriter& Text(std::string_view cell);
  CsvWriter& Int(int64_t value);
  // An amount of fen as yuan: "12.34".
  CsvWriter& Yuan(int64_t fen);
  // Ends the current row.
  void EndRow();

  int64_t rows() const { return rows_; }
  const std::string& body() const { return body_; }
  std::string TakeBody() { return std::move(body_); }

 private:
  void Separate();
  void Raw(std::string_view cell);

  std::string body_;
  bool row_started_ = false;
  int64_t rows_ = 0;
};

// A text cell as CsvWriter writes it (guarded and quoted), for tests and one-off cells.
std::string CsvCell(std::string_view cell);

// Answers 200 with the document as a download: Content-Type text/csv; charset=utf-8 and
// Content-Disposition: attachment; filename="<filename>" (`filename` is ours: ASCII letters,
// digits, '-', '_' and '.' only).
void WriteCsv(httplib::Response& res, std::string_view filename, std::string body);

// The most rows an export answers.
inline constexpr int64_t kMaxExportRows = 100000;

// Reads a paged list page by page (PageRequest::kMaxPageSize rows a page) and hands each item to
// `row`. `fetch` answers one page and the list's total; a total over `max_rows` answers
// InvalidArgument EXPORT_TOO_LARGE before any row is handed over. Stops after the page that
// reaches the first page's total (rows added while the export runs are not included).
// Errors: EXPORT_TOO_LARGE; `fetch`'s errors.
template <typename T>
Status ForEachPaged(const std::function<Result<PageOf<T>>(const PageRequest&)>& fetch,
                    const std::function<void(const T&)>& row, int64_t max_rows = kMaxExportRows) {
  PageRequest page;
  page.page_size = PageRequest::kMaxPageSize;
  int64_t total = -1;
  int64_t seen = 0;
  for (;; ++page.page) {
    MILEAGE_ASSIGN_OR_RETURN(PageOf<T> got, fetch(page));
    if (total < 0) {
      total = got.total;
      if (total > max_rows) {
        return InvalidArgumentError("the export has " + std::to_string(total) +
                                        " rows, over the limit of " + std::to_string(max_rows) +
                                        "; ask for a narrower range",
                                    "EXPORT_TOO_LARGE");
      }
    }
    for (const T& item : got.items) {
      if (seen == total) return Status::Ok();
      row(item);
      ++seen;
    }
    if (seen >= total || got.items.size() < static_cast<size_t>(page.page_size)) {
      return Status::Ok();
    }
  }
}

}  // namespace mileage::server
