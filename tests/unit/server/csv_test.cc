#include "server/http/csv.h"

#include <gtest/gtest.h>

#include <vector>

namespace mileage::server {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

TEST(CsvWriterTest, StartsWithTheBomAndEndsRowsWithCrlf) {
  CsvWriter csv;
  csv.Text("编号").Text("金额").EndRow();
  csv.Text("京A12345").Yuan(1234).EndRow();
  EXPECT_EQ(csv.body(), std::string(kBom) + "编号,金额\r\n京A12345,12.34\r\n");
  EXPECT_EQ(csv.rows(), 2);
}

TEST(CsvWriterTest, QuotesAsRfc4180Says) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvCell(""), "");
}

TEST(CsvWriterTest, GuardsCellsASpreadsheetWouldEvaluate) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-2+3"), "'-2+3");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tx"), "'\tx");
  EXPECT_EQ(CsvCell("\rx"), "\"'\rx\"");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(CsvWriterTest, NumbersAreNotGuarded) {
  CsvWriter csv;
  csv.Int(-5).Yuan(-5).Yuan(100).EndRow();
  EXPECT_EQ(csv.body(), std::string(kBom) + "-5,-0.05,1.00\r\n");
}

// A list of `total` numbers served in pages, as a store would.
Result<PageOf<int>> PageOfNumbers(int total, const PageRequest& page, int* calls) {
  ++*calls;
  PageOf<int> out;
  out.total = total;
  out.request = page;
  for (int64_t i = (page.page - 1) * page.page_size; i < total && i < page.page * page.page_size;
       ++i) {
    out.items.push_back(static_cast<int>(i));
  }
  return out;
}

TEST(ForEachPagedTest, VisitsEveryRowOnceAcrossPages) {
  int calls = 0;
  std::vector<int> seen;
  Status status =
      ForEachPaged<int>([&](const PageRequest& page) { return PageOfNumbers(450, page, &calls); },
                        [&](const int& n) { seen.push_back(n); });
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(seen.size(), 450u);
  for (int i = 0; i < 450; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
  EXPECT_EQ(calls, 3);
}

TEST(ForEachPagedTest, AnEmptyListAsksOnce) {
  int calls = 0;
  int rows = 0;
  Status status =
      ForEachPaged<int>([&](const PageRequest& page) { return PageOfNumbers(0, page, &calls); },
                        [&](const int&) { ++rows; });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(calls, 1);
}

TEST(ForEachPagedTest, OverTheLimitRefusesBeforeAnyRow) {
  int calls = 0;
  int rows = 0;
  Status status =
      ForEachPaged<int>([&](const PageRequest& page) { return PageOfNumbers(301, page, &calls); },
                        [&](const int&) { ++rows; }, 300);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.reason(), "EXPORT_TOO_LARGE");
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(calls, 1);
  status =
      ForEachPaged<int>([&](const PageRequest& page) { return PageOfNumbers(300, page, &calls); },
                        [&](const int&) { ++rows; }, 300);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(rows, 300);
}

TEST(ForEachPagedTest, PassesOnTheFetchError) {
  int rows = 0;
  Status status = ForEachPaged<int>(
      [](const PageRequest&) -> Result<PageOf<int>> { return UnavailableError("db down"); },
      [&](const int&) { ++rows; });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(rows, 0);
}

}  // namespace
}  // namespace mileage::server
