#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::wechat::v2 {

// Limits of the Pay API v2 XML parser.
inline constexpr size_t kMaxXmlBytes = 64 * 1024;
inline constexpr size_t kMaxXmlFields = 256;
inline constexpr size_t kMaxXmlNameBytes = 64;

// The fields of a flat v2 message, by name. std::map orders names by byte value, the order the
// v2 signature needs.
using Fields = std::map<std::string, std::string>;

// Parses WeChat's flat XML: an optional `<?xml ...?>` declaration, then `<ROOT>` holding only
// `<name>value</name>` (or `<name/>`) children whose value is text and/or CDATA sections, then
// `</ROOT>`; whitespace between elements is ignored. Text may use the five predefined entities
// and numeric character references; CDATA is taken verbatim. Hand-written and bounded; there is
// no DTD, entity expansion or nesting to abuse.
// InvalidArgument WECHATPAY_V2_XML_TOO_LARGE (over kMaxXmlBytes), WECHATPAY_V2_XML_FORBIDDEN_MARKUP
// (DOCTYPE, ENTITY, comments, processing instructions, unknown entities),
// WECHATPAY_V2_XML_NESTED (an element inside a field), WECHATPAY_V2_XML_DUPLICATE_FIELD,
// WECHATPAY_V2_XML_TOO_MANY_FIELDS (over kMaxXmlFields), WECHATPAY_V2_XML_MALFORMED (anything
// else: wrong root, attributes, mismatched or unclosed tags, bad names, trailing content).
Result<Fields> ParseXml(std::string_view xml, std::string_view root = "xml");

// `<xml><k><![CDATA[v]]></k>...</xml>` with every value in CDATA (a value containing "]]>" is
// split across sections). InvalidArgument WECHATPAY_V2_XML_BAD_NAME when a name is not
// [A-Za-z_][A-Za-z0-9_.-]* of at most kMaxXmlNameBytes.
Result<std::string> BuildXml(const Fields& fields);

// The reply to a v2 notification: `<xml><return_code><![CDATA[SUCCESS]]></return_code>
// <return_msg><![CDATA[OK]]></return_msg></xml>` (return_msg omitted when empty).
std::string BuildReply(std::string_view return_code, std::string_view return_msg);

}  // namespace mileage::wechat::v2
