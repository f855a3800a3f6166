# MySQL Connector/C++ 1.1 (libmysqlcppconn-dev) ships neither CMake config nor pkg-config.
find_path(MYSQLCPPCONN_INCLUDE_DIR NAMES mysql_driver.h REQUIRED)
find_library(MYSQLCPPCONN_LIBRARY NAMES mysqlcppconn REQUIRED)
add_library(MySQLCppConn::MySQLCppConn UNKNOWN IMPORTED)
set_target_properties(MySQLCppConn::MySQLCppConn PROPERTIES
  IMPORTED_LOCATION ${MYSQLCPPCONN_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${MYSQLCPPCONN_INCLUDE_DIR})
