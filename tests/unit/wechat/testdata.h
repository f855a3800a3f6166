#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

// The vectors of tests/testdata/wechat (copies of ../shared/vectors). MILEAGE_WECHAT_TESTDATA
// overrides the directory, e.g. to run against the shared originals.
namespace mileage::wechat::testing {

inline std::string TestdataDir() {
  if (const char* dir = std::getenv("MILEAGE_WECHAT_TESTDATA")) return dir;
  return MILEAGE_WECHAT_TESTDATA_DIR;
}

// The exact bytes of one vector file; a test failure when it cannot be read.
inline std::string ReadTestdata(const std::string& name) {
  std::ifstream in(TestdataDir() + "/" + name, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read test vector " << TestdataDir() << "/" << name;
    return {};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

// vectors.json[id][field], or null (and a test failure) when absent.
inline const rapidjson::Value* VectorValue(const char* id, const char* field) {
  static const rapidjson::Document* doc =
      new rapidjson::Document(ParseJson(ReadTestdata("vectors.json")));
  if (!doc->IsObject() || !doc->HasMember(id) || !(*doc)[id].IsObject() ||
      !(*doc)[id].HasMember(field)) {
    ADD_FAILURE() << "no vector " << id << "." << field;
    return nullptr;
  }
  return &(*doc)[id][field];
}

// vectors.json[id][field] as a string.
inline std::string Vector(const char* id, const char* field) {
  const rapidjson::Value* v = VectorValue(id, field);
  if (v == nullptr || !v->IsString()) {
    ADD_FAILURE() << "vector " << id << "." << field << " is not a string";
    return {};
  }
  return std::string(v->GetString(), v->GetStringLength());
}

// vectors.json[id][field] as a map of strings (an object of string values).
inline std::map<std::string, std::string> VectorMap(const char* id, const char* field) {
  std::map<std::string, std::string> out;
  const rapidjson::Value* v = VectorValue(id, field);
  if (v == nullptr || !v->IsObject()) {
    ADD_FAILURE() << "vector " << id << "." << field << " is not an object";
    return out;
  }
  for (const auto& m : v->GetObject()) {
    if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
  }
  return out;
}

// Flips one bit of s[index] (index counted from the end when negative).
inline std::string FlipBit(std::string s, long index, int bit = 0) {
  size_t i = index >= 0 ? static_cast<size_t>(index) : s.size() - static_cast<size_t>(-index);
  s[i] = static_cast<char>(s[i] ^ (1 << bit));
  return s;
}

}  // namespace mileage::wechat::testing
