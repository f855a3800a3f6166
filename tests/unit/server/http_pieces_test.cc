#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "server/http/error_mapping.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "server/routes/console_static_routes.h"

namespace mileage::server {
namespace {

TEST(ErrorMappingTest, OneHttpStatusPerCode) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
}

TEST(ErrorMappingTest, BodiesCarryTheMachineCodeAndHideInternals) {
  EXPECT_EQ(ErrorBody(NotFoundError("coupon \"x\" gone", "COUPON_NOT_FOUND")),
            R"({"code":"COUPON_NOT_FOUND","message":"coupon \"x\" gone"})");
  std::string internal = ErrorBody(InternalError("SQLSTATE 42000 near SELECT"));
  EXPECT_EQ(internal.find("SQLSTATE"), std::string::npos);
  EXPECT_NE(internal.find("\"code\":\"INTERNAL\""), std::string::npos);
}

TEST(ErrorMappingTest, ServerSideFailuresGetFixedMessagesRequestErrorsKeepTheirs) {
  struct Case {
    Status status;
    const char* code;
  };
  const Case hidden[] = {
      {UnavailableError("Redis at 127.0.0.1:6379: Connection refused"), "UNAVAILABLE"},
      {UnavailableError("mysql error 2013 (HY000): Lost connection (in: SELECT 1)", "DB_DOWN"),
       "DB_DOWN"},
      {AbortedError("sqlite: database is locked (in: BEGIN IMMEDIATE)"), "ABORTED"},
      {InternalError("SQLSTATE 42000 near SELECT"), "INTERNAL"},
      {AlreadyExistsError("mysql: duplicate entry for key 'uk_x' (in: INSERT INTO x)"),
       "ALREADY_EXISTS"},
  };
  for (const Case& c : hidden) {
    const std::string body = ErrorBody(c.status);
    EXPECT_NE(body.find(std::string("\"code\":\"") + c.code + "\""), std::string::npos) << body;
    EXPECT_EQ(body.find(c.status.message()), std::string::npos) << body;
    for (const char* word : {"Redis", "mysql", "sqlite", "SELECT", "INSERT", "127.0.0.1"}) {
      EXPECT_EQ(body.find(word), std::string::npos) << body;
    }
  }
  // A store's own conflict, with its machine code, is meant for the client.
  EXPECT_EQ(ErrorBody(AlreadyExistsError("username ops is taken", "USERNAME_EXISTS")),
            R"({"code":"USERNAME_EXISTS","message":"username ops is taken"})");
  EXPECT_EQ(ErrorBody(InvalidArgumentError("name must not be blank", "INVALID_FIELD")),
            R"({"code":"INVALID_FIELD","message":"name must not be blank"})");
}

TEST(PathTemplateTest, BracesMatchOneSegmentAndRegexCharsAreLiteral) {
  std::regex re(PathTemplateToRegex("/api/console/stores/{id}/staff.json"));
  std::smatch m;
  std::string path = "/api/console/stores/42/staff.json";
  ASSERT_TRUE(std::regex_match(path, m, re));
  EXPECT_EQ(m[1], "42");
  EXPECT_FALSE(std::regex_match(std::string("/api/console/stores/4/2/staff.json"), re));
  EXPECT_FALSE(std::regex_match(std::string("/api/console/stores/42/staffXjson"), re));
}

TEST(PathTemplateTest, AFinalStarSegmentTakesTheRestOfThePath) {
  std::regex re(PathTemplateToRegex("/console/{rest*}"));
  std::smatch m;
  std::string deep = "/console/assets/index-1a2b.js";
  ASSERT_TRUE(std::regex_match(deep, m, re));
  EXPECT_EQ(m[1], "assets/index-1a2b.js");
  std::string root = "/console/";
  ASSERT_TRUE(std::regex_match(root, m, re));
  EXPECT_EQ(m[1], "");
  EXPECT_FALSE(std::regex_match(std::string("/consolex/a"), re));
}

TEST(ConsoleStaticTest, RelativePathsStayInsideTheDirectory) {
  EXPECT_EQ(ConsoleRelativePath(""), std::filesystem::path());
  EXPECT_EQ(ConsoleRelativePath("assets/index-1a2b.js"),
            std::filesystem::path("assets/index-1a2b.js"));
  EXPECT_EQ(ConsoleRelativePath("counter"), std::filesystem::path("counter"));
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "..", "../etc/passwd", "assets/../../x", "a/./b", ".", "/etc/passwd", "a//b", ".env",
           "assets/.hidden.js", "a\\..\\b", std::string_view("a\0b", 3)}) {
    EXPECT_FALSE(ConsoleRelativePath(bad).has_value()) << bad;
  }
}

TEST(ConsoleStaticTest, AcceptsGzipUnlessRefused) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br, zstd"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, gzip;q=0.8"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip(" deflate , GZIP_NOT, gzip "));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("gzipx"));
}

TEST(MetricsTest, RendersCountersHistogramAndGauges) {
  Metrics metrics;
  auto ping = metrics.RegisterRoute("GET", "/ping");
  metrics.Record(ping, 200, std::chrono::microseconds(50));
  metrics.Record(ping, 200, std::chrono::milliseconds(3));
  metrics.Record(ping, 503, std::chrono::seconds(10));
  metrics.AddGauge("mileage_test_gauge", "A test gauge.", [] { return 7.0; });
  std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find(R"(mileage_http_requests_total{method="GET",route="/ping",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(status="503"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(route="/ping",le="0.0001"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(route="/ping",le="0.005"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(route="/ping",le="+Inf"} 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("mileage_test_gauge 7"), std::string::npos);
}

}  // namespace
}  // namespace mileage::server
