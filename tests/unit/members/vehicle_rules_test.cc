// Input rules and masking of members' vehicles (members/vehicle_rules.h), with real plates and
// published VINs (their check digits are the manufacturers', not computed here).

#include "members/vehicle_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace mileage::members {
namespace {

std::string ReasonOf(const Status& status) { return std::string(status.reason()); }

std::string PlateReason(const std::string& plate) {
  Result<std::string> normalized = NormalizePlate(plate);
  EXPECT_FALSE(normalized.ok()) << plate << " was accepted as " << *normalized;
  return normalized.ok() ? "" : ReasonOf(normalized.status());
}

std::string VinReason(const std::string& vin) {
  Result<std::string> normalized = NormalizeVin(vin);
  EXPECT_FALSE(normalized.ok()) << vin << " was accepted";
  return normalized.ok() ? "" : ReasonOf(normalized.status());
}

// 2026-12-06 12:00 Beijing (04:00 UTC).
constexpr int64_t kNow = 1796529600;

TEST(VehicleRulesTest, PlatesOfEveryProvinceAndBothLengths) {
  const std::string provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
  ASSERT_EQ(provinces.size(), 31u * 3u);
  for (size_t i = 0; i < provinces.size(); i += 3) {
    const std::string plate = provinces.substr(i, 3) + "A12345";
    Result<std::string> normalized = NormalizePlate(plate);
    ASSERT_TRUE(normalized.ok()) << plate;
    EXPECT_EQ(*normalized, plate);
  }
  struct Case {
    const char* typed;
    const char* normalized;
  };
  for (const Case& c : {Case{"京A12345", "京A12345"}, Case{"粤B8X7K2", "粤B8X7K2"},
                        Case{"沪AD12345", "沪AD12345"},      // small new-energy vehicle
                        Case{"苏EFK8888", "苏EFK8888"},      // small new-energy, letter second
                        Case{"浙A12345D", "浙A12345D"},      // large new-energy vehicle
                        Case{"京a·12345", "京A12345"},       // middle dot, lower case
                        Case{"京 A-123 45", "京A12345"},     // spaces and dashes
                        Case{"川A\u300012345", "川A12345"},  // ideographic space
                        Case{"粤bd 0a123", ""}}) {
    Result<std::string> normalized = NormalizePlate(c.typed);
    if (std::string(c.normalized).empty()) {
      EXPECT_FALSE(normalized.ok()) << c.typed;  // new energy: D, a letter, then 4 digits only
      continue;
    }
    ASSERT_TRUE(normalized.ok()) << c.typed << ": " << normalized.status().ToString();
    EXPECT_EQ(*normalized, c.normalized) << c.typed;
  }
}

TEST(VehicleRulesTest, PlatesThatAreNot) {
  EXPECT_EQ(PlateReason(""), "INVALID_PLATE");
  EXPECT_EQ(PlateReason("A12345"), "INVALID_PLATE");      // no province
  EXPECT_EQ(PlateReason("港A12345"), "INVALID_PLATE");    // not a mainland province
  EXPECT_EQ(PlateReason("张A12345"), "INVALID_PLATE");    // not a province at all
  EXPECT_EQ(PlateReason("京112345"), "INVALID_PLATE");    // a digit where the letter goes
  EXPECT_EQ(PlateReason("京A1234"), "INVALID_PLATE");     // too short
  EXPECT_EQ(PlateReason("京A1234567"), "INVALID_PLATE");  // too long
  EXPECT_EQ(PlateReason("京A1234O"), "INVALID_PLATE");    // O looks like 0
  EXPECT_EQ(PlateReason("京A12I45"), "INVALID_PLATE");    // I looks like 1
  EXPECT_EQ(PlateReason("京A123456"), "INVALID_PLATE");   // 6 without D or F
  EXPECT_EQ(PlateReason("京AX12345"), "INVALID_PLATE");   // 6 led by another letter
  EXPECT_EQ(PlateReason("京AD1234A"), "INVALID_PLATE");   // small NEV ends in 4 digits
  EXPECT_EQ(PlateReason("京A1234DD"), "INVALID_PLATE");   // large NEV: 5 digits first
  EXPECT_EQ(PlateReason("京A12345学"), "INVALID_PLATE");  // special plates are not taken
  EXPECT_EQ(PlateReason("京A12_45"), "INVALID_PLATE");
  EXPECT_EQ(PlateReason("京A\xff"
                        "2345"),
            "INVALID_PLATE");
  EXPECT_EQ(PlateReason("京" + std::string(70, ' ') + "A12345"), "INVALID_PLATE");  // > 64 bytes
  // The message names the field and never repeats the value.
  Result<std::string> bad = NormalizePlate("京A1234O");
  EXPECT_NE(bad.status().message().find("plate"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("1234O"), std::string::npos);
}

TEST(VehicleRulesTest, VinsWithTheirPublishedCheckDigits) {
  for (const char* vin : {"1M8GDM9AXKP042788",  // check digit X (remainder 10)
                          "1HGCM82633A004352", "JH4KA7561PC008269",
                          "LVSHCAMB1CE054249",  // a Chinese VIN (L = China) with its check digit
                          "11111111111111111"}) {
    Result<std::string> normalized = NormalizeVin(vin);
    ASSERT_TRUE(normalized.ok()) << vin << ": " << normalized.status().ToString();
    EXPECT_EQ(*normalized, vin);
  }
  EXPECT_EQ(VinCheckDigit("1M8GDM9AXKP042788"), 'X');
  EXPECT_EQ(VinCheckDigit("1HGCM82633A004352"), '3');
  Result<std::string> folded = NormalizeVin(" lvshcamb1ce 054249 ");
  ASSERT_TRUE(folded.ok()) << folded.status().ToString();
  EXPECT_EQ(*folded, "LVSHCAMB1CE054249");
}

TEST(VehicleRulesTest, VinsThatAreNot) {
  EXPECT_EQ(VinReason(""), "INVALID_VIN");
  EXPECT_EQ(VinReason("LVSHCAMB2CE054249"), "INVALID_VIN");   // wrong check digit
  EXPECT_EQ(VinReason("1M8GDM9A0KP042788"), "INVALID_VIN");   // 0 where X belongs
  EXPECT_EQ(VinReason("LVSHCAMB1CE05424"), "INVALID_VIN");    // 16 characters
  EXPECT_EQ(VinReason("LVSHCAMB1CE0542490"), "INVALID_VIN");  // 18 characters
  EXPECT_EQ(VinReason("IVSHCAMB1CE054249"), "INVALID_VIN");   // I
  EXPECT_EQ(VinReason("LVSHCAMB1CE05424O"), "INVALID_VIN");   // O
  EXPECT_EQ(VinReason("QVSHCAMB1CE054249"), "INVALID_VIN");   // Q
  EXPECT_EQ(VinReason("LVSHCAMB1CE05424-"), "INVALID_VIN");
  EXPECT_FALSE(VinCheckDigit("LVSHCAMB1CE05424Q").has_value());
  Result<std::string> bad = NormalizeVin("LVSHCAMB2CE054249");
  EXPECT_EQ(bad.status().message().find("LVSHCAMB"), std::string::npos);
}

TEST(VehicleRulesTest, ModelsAndCorrectionReasons) {
  EXPECT_EQ(*NormalizeModel("宝马 X5"), "宝马 X5");
  EXPECT_EQ(*NormalizeModel("  Model Y  "), "Model Y");
  EXPECT_EQ(*NormalizeModel(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_EQ(ReasonOf(NormalizeModel(std::string(65, 'a')).status()), "INVALID_MODEL");
  std::string sixty_four_chinese;
  for (int i = 0; i < 64; ++i) sixty_four_chinese += "车";
  EXPECT_TRUE(NormalizeModel(sixty_four_chinese).ok()) << "64 characters, 192 bytes";
  EXPECT_EQ(ReasonOf(NormalizeModel(sixty_four_chinese + "车").status()), "INVALID_MODEL");
  EXPECT_EQ(ReasonOf(NormalizeModel("").status()), "INVALID_MODEL");
  EXPECT_EQ(ReasonOf(NormalizeModel("   ").status()), "INVALID_MODEL");
  EXPECT_EQ(ReasonOf(NormalizeModel("a\nb").status()), "INVALID_MODEL");
  EXPECT_EQ(ReasonOf(NormalizeModel("\xe8\xbd").status()), "INVALID_MODEL");  // cut UTF-8
  EXPECT_EQ(*NormalizeCorrectionReason(" 更换仪表 "), "更换仪表");
  EXPECT_EQ(ReasonOf(NormalizeCorrectionReason("").status()), "INVALID_CORRECTION_REASON");
  EXPECT_EQ(ReasonOf(NormalizeCorrectionReason(std::string(201, 'x')).status()),
            "INVALID_CORRECTION_REASON");
}

TEST(VehicleRulesTest, PurchaseDatesUpToTodayInBeijing) {
  Result<civil::Date> today = ParsePurchaseDate("2026-12-06", kNow);
  ASSERT_TRUE(today.ok()) << today.status().ToString();
  EXPECT_EQ(*today, (civil::Date{2026, 12, 6}));
  EXPECT_TRUE(ParsePurchaseDate("1950-01-01", kNow).ok());
  EXPECT_EQ(ReasonOf(ParsePurchaseDate("2026-12-07", kNow).status()), "INVALID_PURCHASE_DATE");
  // 2026-12-06 17:00 UTC is already the 7th in Beijing.
  EXPECT_TRUE(ParsePurchaseDate("2026-12-07", kNow + 13 * 3600).ok());
  EXPECT_EQ(ReasonOf(ParsePurchaseDate("1949-12-31", kNow).status()), "INVALID_PURCHASE_DATE");
  EXPECT_EQ(ReasonOf(ParsePurchaseDate("2026-02-30", kNow).status()), "INVALID_PURCHASE_DATE");
  EXPECT_EQ(ReasonOf(ParsePurchaseDate("2026/12/01", kNow).status()), "INVALID_PURCHASE_DATE");
  EXPECT_EQ(ReasonOf(ParsePurchaseDate("", kNow).status()), "INVALID_PURCHASE_DATE");
}

TEST(VehicleRulesTest, Mileage) {
  EXPECT_TRUE(ValidateMileage(0).ok());
  EXPECT_TRUE(ValidateMileage(9'999'999).ok());
  EXPECT_EQ(ReasonOf(ValidateMileage(-1)), "INVALID_MILEAGE");
  EXPECT_EQ(ReasonOf(ValidateMileage(10'000'000)), "INVALID_MILEAGE");
}

TEST(VehicleRulesTest, Masks) {
  EXPECT_EQ(MaskPlate("京A12345"), "京A·***45");
  EXPECT_EQ(MaskPlate("沪AD12345"), "沪A·***45");
  EXPECT_EQ(MaskPlate("浙A12345D"), "浙A·***5D");
  EXPECT_EQ(MaskVin("LVSHCAMB1CE054249"), "LVS...4249");
  EXPECT_EQ(MaskVin("1M8GDM9AXKP042788"), "1M8...2788");
}

}  // namespace
}  // namespace mileage::members
