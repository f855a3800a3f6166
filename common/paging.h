#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"

namespace mileage {

// One page of a list; page counts from 1. A value type.
struct PageRequest {
  int64_t page = 1;
  int64_t page_size = 50;
  static constexpr int64_t kMaxPageSize = 200;
  static constexpr int64_t kMaxPage = 1000000;
};

// A page of items and the number of items across all pages. A value type.
template <typename T>
struct PageOf {
  std::vector<T> items;
  int64_t total = 0;
  PageRequest request;
};

// InvalidArgument INVALID_PAGE unless page is 1..kMaxPage and page_size 1..kMaxPageSize.
Status ValidatePage(const PageRequest& page);

}  // namespace mileage
