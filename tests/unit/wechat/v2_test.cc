#include <gtest/gtest.h>

#include "tests/unit/wechat/testdata.h"
#include "wechat/v2/refund_info.h"
#include "wechat/v2/sign.h"
#include "wechat/v2/xml.h"

namespace mileage::wechat::v2 {
namespace {

using testing::Vector;

// The v2_sign vector's params (appid, mch_id, device_info, body, nonce_str).
Fields SpecFields() {
  Fields fields = testing::VectorMap("v2_sign", "params");
  EXPECT_EQ(fields.size(), 5u);
  return fields;
}

TEST(V2SignTest, ReproducesTheSpecExample) {
  std::string key = Vector("v2_sign", "key");
  EXPECT_EQ(BuildSignString(SpecFields(), key), Vector("v2_sign", "stringSignTemp"));
  EXPECT_EQ(Sign(SpecFields(), key, SignType::kMd5), Vector("v2_sign", "md5_upper"));
  EXPECT_EQ(Sign(SpecFields(), key, SignType::kHmacSha256), Vector("v2_sign", "hmac_sha256_upper"));
}

TEST(V2SignTest, SkipsEmptyValuesAndTheSignField) {
  std::string key = Vector("v2_sign", "key");
  Fields fields = SpecFields();
  fields["attach"] = "";
  fields["sign"] = "whatever";
  EXPECT_EQ(BuildSignString(fields, key), Vector("v2_sign", "stringSignTemp"));
}

TEST(V2SignTest, VerifiesMd5AndHmacInConstantTime) {
  std::string key = Vector("v2_sign", "key");
  Fields md5 = SpecFields();
  md5["sign"] = Vector("v2_sign", "md5_upper");
  EXPECT_TRUE(VerifySignature(md5, key).ok());
  // sign_type is signed like any other field when present.
  md5["sign_type"] = "MD5";
  EXPECT_EQ(VerifySignature(md5, key).reason(), "WECHATPAY_V2_BAD_SIGNATURE");
  md5["sign"] = Sign(md5, key, SignType::kMd5);
  EXPECT_TRUE(VerifySignature(md5, key).ok());
  Fields lower = SpecFields();
  lower["sign"] = "9a0a8659f005d6984697e2ca0a9cf3b7";
  EXPECT_TRUE(VerifySignature(lower, key).ok());

  Fields hmac = SpecFields();
  hmac["sign_type"] = "HMAC-SHA256";
  hmac["sign"] = Sign(hmac, key, SignType::kHmacSha256);
  EXPECT_TRUE(VerifySignature(hmac, key).ok());
  // The HMAC signature of the spec fields alone verifies only without sign_type in the fields.
  Fields hmac_spec = SpecFields();
  hmac_spec["sign_type"] = "HMAC-SHA256";
  hmac_spec["sign"] = Vector("v2_sign", "hmac_sha256_upper");
  EXPECT_EQ(VerifySignature(hmac_spec, key).reason(), "WECHATPAY_V2_BAD_SIGNATURE");
}

TEST(V2SignTest, RejectsTamperingAndBadInput) {
  std::string key = Vector("v2_sign", "key");
  Fields fields = SpecFields();
  fields["sign"] = Vector("v2_sign", "md5_upper");

  Fields tampered = fields;
  tampered["body"] = "tesT";
  Status s = VerifySignature(tampered, key);
  EXPECT_EQ(s.reason(), "WECHATPAY_V2_BAD_SIGNATURE");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  tampered = fields;
  tampered["total_fee"] = "1";
  EXPECT_EQ(VerifySignature(tampered, key).reason(), "WECHATPAY_V2_BAD_SIGNATURE");
  tampered = fields;
  tampered["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B8";
  EXPECT_EQ(VerifySignature(tampered, key).reason(), "WECHATPAY_V2_BAD_SIGNATURE");
  tampered["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B";
  EXPECT_EQ(VerifySignature(tampered, key).reason(), "WECHATPAY_V2_BAD_SIGNATURE");
  EXPECT_EQ(VerifySignature(fields, "192006250b4c09247ec02edce69f6a2e").reason(),
            "WECHATPAY_V2_BAD_SIGNATURE");

  EXPECT_EQ(VerifySignature(SpecFields(), key).reason(), "WECHATPAY_V2_MISSING_SIGN");
  EXPECT_EQ(VerifySignature(fields, "").reason(), "WECHATPAY_V2_BAD_KEY");
  Fields sha1 = fields;
  sha1["sign_type"] = "SHA1";
  EXPECT_EQ(VerifySignature(sha1, key).reason(), "WECHATPAY_V2_UNSUPPORTED_SIGN_TYPE");
}

TEST(V2XmlTest, ParsesCdataTextAndWhitespace) {
  auto fields = ParseXml(Vector("v2_refund_req_info", "xml"));
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(fields->size(), 5u);
  EXPECT_EQ(fields->at("return_code"), "SUCCESS");
  EXPECT_EQ(fields->at("appid"), "wx4f4bc4dec97d474b");
  EXPECT_EQ(fields->at("mch_id"), "12345678");
  EXPECT_EQ(fields->at("nonce_str"), "c1c237efc87ee8dfcb3f9124b63a4d94");
  EXPECT_TRUE(fields->at("req_info").starts_with("51A27s9L"));

  auto decl = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><a>1</a><b><![CDATA[x<y>&z]]></b>"
      "<c/><d>&lt;&amp;&gt;&quot;&apos;&#20013;&#x6587;</d><e>p<![CDATA[q]]>r</e></xml>");
  ASSERT_TRUE(decl.ok()) << decl.status().ToString();
  EXPECT_EQ(decl->at("a"), "1");
  EXPECT_EQ(decl->at("b"), "x<y>&z");
  EXPECT_EQ(decl->at("c"), "");
  EXPECT_EQ(decl->at("d"), "<&>\"'中文");
  EXPECT_EQ(decl->at("e"), "pqr");
  EXPECT_TRUE(ParseXml("<xml></xml>")->empty());
  EXPECT_TRUE(ParseXml("<xml/>")->empty());
  EXPECT_TRUE(ParseXml("<root><a>1</a></root>", "root").ok());
}

TEST(V2XmlTest, RejectsWhatAFlatMessageNeverHas) {
  struct Case {
    std::string xml;
    const char* reason;
  };
  std::vector<Case> cases = {
      {"<!DOCTYPE xml [<!ENTITY x \"y\">]><xml><a>&x;</a></xml>",
       "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<xml><!ENTITY x SYSTEM \"file:///etc/passwd\"><a>1</a></xml>",
       "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<xml><a>&x;</a></xml>", "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<xml><!-- c --><a>1</a></xml>", "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<xml><a><!-- c --></a></xml>", "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<xml><?pi x?><a>1</a></xml>", "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<?xml-stylesheet href=\"x\"?><xml></xml>", "WECHATPAY_V2_XML_FORBIDDEN_MARKUP"},
      {"<xml><a><b>1</b></a></xml>", "WECHATPAY_V2_XML_NESTED"},
      {"<xml><a>1</a><a>2</a></xml>", "WECHATPAY_V2_XML_DUPLICATE_FIELD"},
      {"<xml><a x=\"1\">1</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>1</b></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>1</a>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>1", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a><![CDATA[1</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml>text<a>1</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>1</a></xml>trailing", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>1</a></xml><xml></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<root><a>1</a></root>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><1a>1</1a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>&#0;</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>&#xD800;</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>&#x110000;</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><a>&amp</a></xml>", "WECHATPAY_V2_XML_MALFORMED"},
      {"", "WECHATPAY_V2_XML_MALFORMED"},
      {"xml", "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml><" + std::string(65, 'a') + ">1</" + std::string(65, 'a') + "></xml>",
       "WECHATPAY_V2_XML_MALFORMED"},
      {"<xml>" + std::string(kMaxXmlBytes, ' ') + "</xml>", "WECHATPAY_V2_XML_TOO_LARGE"},
  };
  std::string many = "<xml>";
  for (size_t i = 0; i <= kMaxXmlFields; ++i)
    many += "<f" + std::to_string(i) + ">1</f" + std::to_string(i) + ">";
  many += "</xml>";
  cases.push_back({many, "WECHATPAY_V2_XML_TOO_MANY_FIELDS"});
  for (const Case& c : cases) {
    auto fields = ParseXml(c.xml);
    ASSERT_FALSE(fields.ok()) << c.xml;
    EXPECT_EQ(fields.status().reason(), c.reason) << c.xml;
    EXPECT_EQ(fields.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(V2XmlTest, BuildsCdataThatParsesBack) {
  Fields fields = {
      {"return_code", "SUCCESS"}, {"tricky", "a]]>b]]>"}, {"empty", ""}, {"lt", "<xml>&amp;"}};
  auto xml = BuildXml(fields);
  ASSERT_TRUE(xml.ok());
  auto parsed = ParseXml(*xml);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << *xml;
  EXPECT_EQ(*parsed, fields);
  EXPECT_EQ(BuildXml({{"bad name", "x"}}).status().reason(), "WECHATPAY_V2_XML_BAD_NAME");
  EXPECT_EQ(BuildXml({{"", "x"}}).status().reason(), "WECHATPAY_V2_XML_BAD_NAME");
}

TEST(V2XmlTest, BuildsTheReply) {
  EXPECT_EQ(BuildReply("SUCCESS", "OK"),
            "<xml><return_code><![CDATA[SUCCESS]]></return_code>"
            "<return_msg><![CDATA[OK]]></return_msg></xml>");
  EXPECT_EQ(BuildReply("FAIL", ""), "<xml><return_code><![CDATA[FAIL]]></return_code></xml>");
}

TEST(V2RefundInfoTest, DecryptsAndParsesTheVector) {
  auto outer = ParseXml(Vector("v2_refund_req_info", "xml"));
  ASSERT_TRUE(outer.ok());
  auto info = DecryptRefundInfo(outer->at("req_info"), Vector("v2_refund_req_info", "api_key"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->out_refund_no, "1234");
  EXPECT_EQ(info->out_trade_no, "2020010418301551404339261814");
  EXPECT_EQ(info->transaction_id, "4200000483202001042069747825");
  EXPECT_EQ(info->refund_id, "50300103182020010413419046597");
  EXPECT_EQ(info->total_fee, 1);
  EXPECT_EQ(info->settlement_total_fee, 1);
  EXPECT_EQ(info->refund_fee, 1);
  EXPECT_EQ(info->settlement_refund_fee, 1);
  EXPECT_EQ(info->refund_status, RefundStatus::kSuccess);
  EXPECT_EQ(info->success_time, "2020-01-04 18:34:24");
  EXPECT_EQ(info->refund_recv_accout, "招商银行信用卡8915");
  EXPECT_EQ(info->refund_account, "REFUND_SOURCE_RECHARGE_FUNDS");
  EXPECT_EQ(info->refund_request_source, "API");
}

TEST(V2RefundInfoTest, EncryptRoundTrips) {
  std::string xml =
      "<root><out_refund_no><![CDATA[r1]]></out_refund_no><out_trade_no>o1</out_trade_no>"
      "<refund_fee>50</refund_fee><refund_id>rid</refund_id><refund_status>CHANGE</refund_status>"
      "<settlement_refund_fee>50</settlement_refund_fee><total_fee>100</total_fee>"
      "<transaction_id>t1</transaction_id></root>";
  auto enc = EncryptReqInfo(xml, "k");
  ASSERT_TRUE(enc.ok());
  auto info = DecryptRefundInfo(*enc, "k");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->refund_status, RefundStatus::kChange);
  EXPECT_EQ(info->total_fee, 100);
  EXPECT_FALSE(info->settlement_total_fee.has_value());
}

TEST(V2RefundInfoTest, RejectsBadInput) {
  auto outer = ParseXml(Vector("v2_refund_req_info", "xml"));
  ASSERT_TRUE(outer.ok());
  std::string req_info = outer->at("req_info");
  std::string key = Vector("v2_refund_req_info", "api_key");

  EXPECT_EQ(DecryptRefundInfo(req_info, "").status().reason(), "WECHATPAY_V2_BAD_KEY");
  EXPECT_EQ(DecryptRefundInfo(req_info.substr(1), key).status().reason(),
            "WECHATPAY_V2_BAD_BASE64");
  EXPECT_EQ(DecryptRefundInfo("%%%%", key).status().reason(), "WECHATPAY_V2_BAD_BASE64");
  EXPECT_EQ(DecryptRefundInfo(req_info.substr(0, req_info.size() - 4), key).status().reason(),
            "WECHATPAY_V2_DECRYPT_FAILED");  // not whole blocks
  EXPECT_EQ(DecryptRefundInfo("", key).status().reason(), "WECHATPAY_V2_DECRYPT_FAILED");
  auto wrong = DecryptRefundInfo(req_info, "OF4Ne3znh8KqL0V4NqmALQa0uXMYKcEl");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().reason(), "WECHATPAY_V2_DECRYPT_FAILED");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);

  for (const char* bad : {
           "<root><out_trade_no>o</out_trade_no></root>",
           "<root><out_refund_no>r</out_refund_no><out_trade_no>o</out_trade_no><refund_fee>5x"
           "</refund_fee><refund_id>i</refund_id><refund_status>SUCCESS</refund_status>"
           "<settlement_refund_fee>5</settlement_refund_fee><total_fee>5</total_fee>"
           "<transaction_id>t</transaction_id></root>",
           "<root><out_refund_no>r</out_refund_no><out_trade_no>o</out_trade_no><refund_fee>5"
           "</refund_fee><refund_id>i</refund_id><refund_status>DONE</refund_status>"
           "<settlement_refund_fee>5</settlement_refund_fee><total_fee>5</total_fee>"
           "<transaction_id>t</transaction_id></root>",
       }) {
    EXPECT_EQ(ParseRefundInfo(bad).status().reason(), "WECHATPAY_V2_MALFORMED_REFUND_INFO") << bad;
  }
  EXPECT_EQ(ParseRefundInfo("<xml></xml>").status().reason(), "WECHATPAY_V2_XML_MALFORMED");
}

}  // namespace
}  // namespace mileage::wechat::v2
