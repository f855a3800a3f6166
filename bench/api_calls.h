#pragma once
// What the bench tools do through Mileage's HTTP API before and around a measured phase: one
// call with an optional bearer token, and a stock created and activated by staff.

#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace mileage::bench {

// An answer: the status (0 when there was none) and the parsed body.
struct Reply {
  int status = 0;
  rapidjson::Document json;
};

inline Reply Call(httplib::Client& client, const char* method, const std::string& path,
                  const std::string& token, const std::string& body) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result result =
      std::string(method) == "GET"     ? client.Get(path, headers)
      : std::string(method) == "PATCH" ? client.Patch(path, headers, body, "application/json")
      : std::string(method) == "PUT"   ? client.Put(path, headers, body, "application/json")
                                       : client.Post(path, headers, body, "application/json");
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.json.Parse(result->body.c_str());
  return reply;
}

// The integer member `name` of `object`, or -1.
inline int64_t IntField(const rapidjson::Value& object, const char* name) {
  return object.IsObject() && object.HasMember(name) && object[name].IsInt64()
             ? object[name].GetInt64()
             : -1;
}

// The console token of staff `username`, or "" (after saying why on stderr, as `tool`).
inline std::string StaffLogin(httplib::Client& console, const std::string& username,
                              const std::string& password, const char* tool) {
  Reply login = Call(console, "POST", "/api/console/login", "",
                     R"({"username":")" + username + R"(","password":")" + password + R"("})");
  if (login.status != 200 || !login.json.IsObject() || !login.json.HasMember("token") ||
      !login.json["token"].IsString()) {
    std::fprintf(stderr, "%s: console login answered %d\n", tool, login.status);
    return "";
  }
  return login.json["token"].GetString();
}

// A cash stock of 10 yuan, 30 days from issue, at the brand with `total` and `per_member_limit`
// and `channels_and_rule` (e.g. `"channels":["claim"]`), created and activated through the
// console API by the staff member of `token`; its id, or 0 on failure.
inline int64_t CreateActiveStock(httplib::Client& console, const std::string& token,
                                 const std::string& brand, int64_t total, int64_t per_member_limit,
                                 const std::string& channels_and_rule) {
  Reply created = Call(console, "POST", "/api/console/stocks", token,
                       R"({"node":{"type":"brand","id":)" + brand +
                           R"(},"name":"Bench","type":"cash","value_fen":1000,"valid_days":30,)"
                           R"("total_quantity":)" +
                           std::to_string(total) + R"(,"per_member_limit":)" +
                           std::to_string(per_member_limit) + "," + channels_and_rule + "}");
  if (created.status != 201) return 0;
  const int64_t id = IntField(created.json, "id");
  if (id <= 0) return 0;
  Reply active = Call(console, "PATCH", "/api/console/stocks/" + std::to_string(id), token,
                      R"({"state":"active"})");
  return active.status == 200 ? id : 0;
}

}  // namespace mileage::bench
