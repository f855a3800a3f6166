#include "coupons/qr_tokens.h"

namespace mileage::coupons {

namespace {

constexpr crypto::SignedTokenKind kQrTokenKind = {
    .prefix = "cq1",
    .key_label = "mileage/coupon-qr-token/v1",
    .lifetime_s = QrTokens::kLifetimeS,
    .invalid_reason = "INVALID_QR_TOKEN",
    .invalid_message = "the QR token is not valid here",
    .expired_reason = "QR_TOKEN_EXPIRED",
    .expired_message = "the QR token has expired; show a new one",
};

}  // namespace

QrTokens::QrTokens(const crypto::DataKey& data_key, RandomSource& random)
    : tokens_(data_key, random, kQrTokenKind) {}

}  // namespace mileage::coupons
