#include "members/vehicle_rules.h"

#include <array>

namespace mileage::members {
namespace {

constexpr size_t kMaxInput = 64;
constexpr size_t kProvinceBytes = 3;  // each province character is 3 bytes of UTF-8
constexpr std::string_view kProvinces =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
// Spellings of separators people type into plates: the ideographic space and the middle dot.
constexpr std::string_view kIdeographicSpace = "\u3000";
constexpr std::string_view kMiddleDot = "\u00B7";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// A-Z/0-9 without I and O: the serial characters of a plate.
bool IsPlateSerialChar(char c) { return (IsUpper(c) || IsDigit(c)) && c != 'I' && c != 'O'; }

bool IsProvince(std::string_view three) {
  for (size_t i = 0; i + kProvinceBytes <= kProvinces.size(); i += kProvinceBytes) {
    if (kProvinces.substr(i, kProvinceBytes) == three) return true;
  }
  return false;
}

bool IsNewEnergySerial(std::string_view s) {
  const bool small = (s[0] == 'D' || s[0] == 'F') && IsPlateSerialChar(s[1]) && IsDigit(s[2]) &&
                     IsDigit(s[3]) && IsDigit(s[4]) && IsDigit(s[5]);
  const bool large = IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) &&
                     IsDigit(s[4]) && (s[5] == 'D' || s[5] == 'F');
  return small || large;
}

// `text` without separators and with ASCII letters upper-cased.
std::string FoldPlate(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with(kIdeographicSpace)) {
      i += kIdeographicSpace.size();
    } else if (rest.starts_with(kMiddleDot)) {
      i += kMiddleDot.size();
    } else {
      if (text[i] != ' ' && text[i] != '-') out.push_back(Upper(text[i]));
      ++i;
    }
  }
  return out;
}

// The value of a VIN character in the check-digit sum; -1 for a character a VIN may not hold.
int VinValue(char c) {
  if (IsDigit(c)) return c - '0';
  // A..Z; 0 marks I, O and Q, which VINs never use.
  constexpr std::array<int, 26> kLetters = {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4,
                                            5, 0, 7, 0, 9, 2, 3, 4, 5, 6, 7, 8, 9};
  if (!IsUpper(c) || kLetters[static_cast<size_t>(c - 'A')] == 0) return -1;
  return kLetters[static_cast<size_t>(c - 'A')];
}

// The number of UTF-8 characters of `text`; nullopt when it is not valid UTF-8 or holds a
// control character.
std::optional<size_t> PrintableChars(std::string_view text) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t len = 0;
    if (lead < 0x80) {
      if (lead < 0x20 || lead == 0x7F) return std::nullopt;
      len = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      len = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      len = 4;
    } else {
      return std::nullopt;
    }
    if (i + len > text.size()) return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return std::nullopt;
    }
    i += len;
    ++chars;
  }
  return chars;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// 1..`max_chars` printable characters after trimming, else `reason` naming `field`.
Result<std::string> NormalizeText(std::string_view text, size_t max_chars, std::string_view field,
                                  std::string_view reason) {
  const std::string_view trimmed = TrimSpaces(text);
  const std::optional<size_t> chars = PrintableChars(trimmed);
  if (!chars.has_value() || *chars == 0 || *chars > max_chars) {
    return InvalidArgumentError(std::string(field) + " must be 1.." + std::to_string(max_chars) +
                                    " characters without control characters",
                                std::string(reason));
  }
  return std::string(trimmed);
}

}  // namespace

Result<std::string> NormalizePlate(std::string_view plate) {
  const Status invalid = InvalidArgumentError(
      "plate must be a province character, a letter and 5 serial characters (6 for new "
      "energy)",
      "INVALID_PLATE");
  if (plate.size() > kMaxInput) return invalid;
  std::string folded = FoldPlate(plate);
  if (folded.size() != kProvinceBytes + 6 && folded.size() != kProvinceBytes + 7) return invalid;
  if (!IsProvince(std::string_view(folded).substr(0, kProvinceBytes))) return invalid;
  if (!IsUpper(folded[kProvinceBytes])) return invalid;
  const std::string_view serial = std::string_view(folded).substr(kProvinceBytes + 1);
  for (char c : serial) {
    if (!IsPlateSerialChar(c)) return invalid;
  }
  if (serial.size() == 6 && !IsNewEnergySerial(serial)) return invalid;
  return folded;
}

std::optional<char> VinCheckDigit(std::string_view vin) {
  constexpr std::array<int, 17> kWeights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
  if (vin.size() != kWeights.size()) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < vin.size(); ++i) {
    const int value = VinValue(vin[i]);
    if (value < 0) return std::nullopt;
    sum += value * kWeights[i];
  }
  const int remainder = sum % 11;
  return remainder == 10 ? 'X' : static_cast<char>('0' + remainder);
}

Result<std::string> NormalizeVin(std::string_view vin) {
  const Status invalid = InvalidArgumentError(
      "vin must be 17 of A-Z/0-9 without I, O and Q with a valid check digit (position 9)",
      "INVALID_VIN");
  if (vin.size() > kMaxInput) return invalid;
  std::string normalized;
  for (char c : vin) {
    if (c != ' ') normalized.push_back(Upper(c));
  }
  const std::optional<char> check = VinCheckDigit(normalized);
  if (!check.has_value() || normalized[8] != *check) return invalid;
  return normalized;
}

Result<std::string> NormalizeModel(std::string_view model) {
  return NormalizeText(model, kMaxModelChars, "model", "INVALID_MODEL");
}

Result<civil::Date> ParsePurchaseDate(std::string_view text, int64_t now) {
  const std::optional<civil::Date> date = civil::ParseDate(text);
  const civil::Date today = civil::BeijingDate(now);
  if (!date.has_value() || date->year < 1950 ||
      civil::DaysFromCivil(*date) > civil::DaysFromCivil(today)) {
    return InvalidArgumentError(
        "purchase_date must be a date YYYY-MM-DD from 1950-01-01 to today (Beijing)",
        "INVALID_PURCHASE_DATE");
  }
  return *date;
}

Status ValidateMileage(int64_t mileage_km) {
  if (mileage_km >= 0 && mileage_km <= kMaxMileageKm) return Status::Ok();
  return InvalidArgumentError("mileage_km must be 0.." + std::to_string(kMaxMileageKm),
                              "INVALID_MILEAGE");
}

Result<std::string> NormalizeCorrectionReason(std::string_view reason) {
  return NormalizeText(reason, kMaxCorrectionReasonChars, "correction_reason",
                       "INVALID_CORRECTION_REASON");
}

std::string MaskPlate(std::string_view normalized) {
  if (normalized.size() < kProvinceBytes + 3) return "***";
  return std::string(normalized.substr(0, kProvinceBytes + 1)) + std::string(kMiddleDot) + "***" +
         std::string(normalized.substr(normalized.size() - 2));
}

std::string MaskVin(std::string_view normalized) {
  if (normalized.size() < 7) return "...";
  return std::string(normalized.substr(0, 3)) + "..." +
         std::string(normalized.substr(normalized.size() - 4));
}

}  // namespace mileage::members
