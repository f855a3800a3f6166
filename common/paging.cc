#include "common/paging.h"

#include <string>

namespace mileage {

Status ValidatePage(const PageRequest& page) {
  if (page.page < 1 || page.page > PageRequest::kMaxPage || page.page_size < 1 ||
      page.page_size > PageRequest::kMaxPageSize) {
    return InvalidArgumentError("page must be 1.." + std::to_string(PageRequest::kMaxPage) +
                                    " and page_size 1.." +
                                    std::to_string(PageRequest::kMaxPageSize),
                                "INVALID_PAGE");
  }
  return Status::Ok();
}

}  // namespace mileage
