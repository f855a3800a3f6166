// How a subscribe message's template data is rendered from an event payload (WeChat's value
// limits per keyword kind; expected texts written out by hand).
#include "server/wechat_subscribe_sender.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace mileage::server {
namespace {

using Data = std::vector<std::pair<std::string, std::string>>;

TEST(RenderTemplateDataTest, CutsEachKindToWechatsLimitInCharacters) {
  const std::string payload =
      R"({"model":"一二三四五六七八九十一二三四五六七八九十超出","code":")" + std::string(40, 'x') +
      R"(","state":"已经预约成功了","plate":"粤A8Z888挂X"})";
  const Data data = RenderTemplateData({{"thing1", "model"},
                                        {"character_string2", "code"},
                                        {"phrase3", "state"},
                                        {"car_number4", "plate"}},
                                       payload);
  EXPECT_EQ(data, (Data{{"thing1", "一二三四五六七八九十一二三四五六七八九十"},
                        {"character_string2", std::string(32, 'x')},
                        {"phrase3", "已经预约成"},
                        {"car_number4", "粤A8Z888挂"}}));
}

TEST(RenderTemplateDataTest, RendersTimesDatesNumbersAndMissingFields) {
  // 1893974400 = 2030-01-07T00:00:00Z = 2030-01-07 08:00 Beijing.
  const std::string payload =
      R"({"starts_at":1893974400,"due_date":"2030-02-01","amount":1500,"ok":true})";
  const Data data = RenderTemplateData({{"time1", "starts_at"},
                                        {"date2", "starts_at"},
                                        {"date3", "due_date"},
                                        {"number4", "amount"},
                                        {"thing5", "ok"},
                                        {"thing6", "absent"}},
                                       payload);
  EXPECT_EQ(data, (Data{{"time1", "2030年1月7日 08:00"},
                        {"date2", "2030年1月7日"},
                        {"date3", "2030年2月1日"},
                        {"number4", "1500"},
                        {"thing5", "是"},
                        {"thing6", "-"}}));
}

TEST(RenderTemplateDataTest, APayloadThatDoesNotParseGivesDashes) {
  EXPECT_EQ(RenderTemplateData({{"thing1", "model"}}, "{not json"), (Data{{"thing1", "-"}}));
  EXPECT_EQ(KeywordLimit("thing12"), 20u);
  EXPECT_EQ(KeywordLimit("character_string3"), 32u);
  EXPECT_EQ(KeywordLimit("phone_number1"), 17u);
}

}  // namespace
}  // namespace mileage::server
