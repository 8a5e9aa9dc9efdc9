#pragma once
/// Every report writer: scan (report_scan.hpp), resolve (report_resolve.hpp) and check
/// (report_check.hpp). Include the one you need; this header keeps older programs building.

#include "tweetcheck/report_check.hpp"
#include "tweetcheck/report_resolve.hpp"
#include "tweetcheck/report_scan.hpp"
