#include "server/http/error_mapping.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mileage::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("code");
  writer.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  writer.Key("message");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string_view ClientMessage(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInternal:
      return "internal error; see the server log for the request id";
    case StatusCode::kUnavailable:
      return "a service this request needs is unavailable; retry later";
    case StatusCode::kAborted:
      return "the request collided with a concurrent one and was not applied; retry it";
    case StatusCode::kAlreadyExists:
      // A bare one comes straight from a database driver (a unique key); the stores give
      // theirs a machine code and a message of their own.
      if (status.reason() == StatusCodeName(status.code())) return "the object exists already";
      return status.message();
    default:
      return status.message();
  }
}

std::string ErrorBody(const Status& status) {
  return ErrorBody(status.reason(), ClientMessage(status));
}

}  // namespace mileage::server
