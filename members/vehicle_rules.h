#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/civil_time.h"
#include "common/result.h"

namespace mileage::members {

// Input rules of a member's vehicles (docs/API.md, "Vehicles"). Each returns InvalidArgument
// with a stable reason naming the field and a message that never repeats the value (plates and
// VINs are personal data).

// A mainland China plate: a province character
// (京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤 青藏川宁琼), a letter A-Z, then either 5 of
// A-Z/0-9 without I and O, or a new-energy number of 6 (GA 36-2018): a small vehicle's D or F, a
// letter or digit and 4 digits (京AD12345), or a large vehicle's 5 digits and D or F (京A12345D).
// Case is folded; spaces (also U+3000), dashes and the middle dot (京A·12345) are dropped. Returns
// the normalised plate
// ("京AD12345"); INVALID_PLATE otherwise (also over 64 bytes).
Result<std::string> NormalizePlate(std::string_view plate);

// The check digit (position 9) a 17-character VIN must carry (ISO 3779 / 49 CFR 565:
// transliteration, weights 8,7,6,5,4,3,2,10,0,9,8,7,6,5,4,3,2, the sum modulo 11, 10 = 'X');
// nullopt when `vin` is not 17 of A-Z/0-9 without I, O and Q.
std::optional<char> VinCheckDigit(std::string_view vin);

// A VIN: 17 of A-Z/0-9 without I, O and Q whose position 9 is VinCheckDigit (Chinese VINs
// carry it too, GB 16735). Case is folded and spaces dropped. Returns the normalised VIN;
// INVALID_VIN otherwise (also over 64 bytes).
Result<std::string> NormalizeVin(std::string_view vin);

// A vehicle model ("宝马 X5"): 1..64 characters after trimming spaces, no control characters,
// valid UTF-8. Returns it trimmed; INVALID_MODEL otherwise.
inline constexpr size_t kMaxModelChars = 64;
Result<std::string> NormalizeModel(std::string_view model);

// A purchase date "YYYY-MM-DD" from 1950-01-01 to the Beijing date of `now` (not in the
// future). INVALID_PURCHASE_DATE otherwise.
Result<civil::Date> ParsePurchaseDate(std::string_view text, int64_t now);

// An odometer reading in km: 0..kMaxMileageKm. INVALID_MILEAGE otherwise.
inline constexpr int64_t kMaxMileageKm = 9'999'999;
Status ValidateMileage(int64_t mileage_km);

// Why a lower odometer reading is right ("odometer replaced"): 1..200 characters after
// trimming, like a model. Returns it trimmed; INVALID_CORRECTION_REASON otherwise.
inline constexpr size_t kMaxCorrectionReasonChars = 200;
Result<std::string> NormalizeCorrectionReason(std::string_view reason);

// What is shown where the clear plate may not be: the province, the letter, "·***" and the last
// two characters of a normalised plate ("京A·***45").
std::string MaskPlate(std::string_view normalized);
// The first 3 and last 4 characters of a normalised VIN ("LVS...4249").
std::string MaskVin(std::string_view normalized);

}  // namespace mileage::members
