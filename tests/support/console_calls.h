#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>

namespace mileage::testing {

// What tests that drive `mileage serve` as a process do through the console API, as staff
// would: log in, create a stock and activate it.

// POST /api/console/login; the token, or "" (with a test failure).
inline std::string ConsoleLogin(httplib::Client& client, const std::string& username,
                                const std::string& password) {
  httplib::Result res =
      client.Post("/api/console/login",
                  R"({"username":")" + username + R"(","password":")" + password + R"("})",
                  "application/json");
  EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  if (!res || res->status != 200) return "";
  rapidjson::Document json;
  json.Parse(res->body.c_str());
  return json["token"].GetString();
}

// POST /api/console/stocks with `fields` (the JSON members after "node", without braces) at
// the brand, then PATCH it active; its id, or 0 (with a test failure).
inline int64_t CreateActiveStock(httplib::Client& client, const std::string& token,
                                 int64_t brand_id, const std::string& fields) {
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  httplib::Result created = client.Post(
      "/api/console/stocks", auth,
      R"({"node":{"type":"brand","id":)" + std::to_string(brand_id) + "}," + fields + "}",
      "application/json");
  EXPECT_TRUE(created && created->status == 201) << (created ? created->body : "no answer");
  if (!created || created->status != 201) return 0;
  rapidjson::Document json;
  json.Parse(created->body.c_str());
  const int64_t id = json["id"].GetInt64();
  httplib::Result active = client.Patch("/api/console/stocks/" + std::to_string(id), auth,
                                        R"({"state":"active"})", "application/json");
  EXPECT_TRUE(active && active->status == 200) << (active ? active->body : "no answer");
  return id;
}

}  // namespace mileage::testing
