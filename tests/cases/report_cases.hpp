// Report JSON variations (REPORTS.md) with the warning each must carry, and inputs that cannot
// be a report with the refusal each must get. The unit tests assert them; the fuzz seed writer
// (tests/fuzz/seeds.cpp) turns every text into a seed.
#pragma once

#include <string_view>

namespace webshield::cases {

struct ReportVariation {
  std::string_view json;
  std::string_view warning;  // a substring of one of the report's warnings; "" = none at all
  std::string_view why;
};

struct ReportRefusal {
  std::string_view json;
  std::string_view where;   // the JSON path of the refusal (prefix)
  std::string_view reason;  // a substring of the message
  std::string_view why;
};

// Every variation below is accepted.
#define WS_HEAD \
  R"({"organization-name":"Org","date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"contact-info":"a@org.example","report-id":"r1",)"
#define WS_POLICY \
  R"("policy":{"policy-type":"sts","policy-string":["version: STSv1"],"policy-domain":"example.com","mx-host":["mx.example.com"]})"

inline constexpr ReportVariation kReportVariations[] = {
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "", "a clean report"},
    {R"({"organization-name":"Microsoft Corporation","date-range":{"start-datetime":"2024-03-26T00:00:00","end-datetime":"2024-03-26T23:59:59"},"contact-info":"x@microsoft.com","report-id":"1+example.com","policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "date-range without time zone, read as UTC", "Microsoft: no time zone"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"2024-09-15T02:00:00+02:00","end-datetime":"2024-09-16T01:59:59.999+02:00"},"contact-info":"a@b","report-id":"r","policies":[]})",
     "fractional seconds dropped", "offset and fraction"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1"],"policy-domain":"example.com","mx-host":"mx.example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "mx-host is a string", "RFC example: mx-host as a string"},
    {R"({"organization-name":"Stalwart","date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-16T00:00:00Z"},"contact-info":null,"report-id":"r","policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "null read as absent ($.contact-info)", "Stalwart: contact-info null"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"tlsa","policy-string":"[\"3 1 1 aabbcc\",\"3 1 1 ddeeff\"]","policy-domain":"example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "policy-string is one string holding a JSON array, decoded", "Microsoft TLSA policy-string"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"tlsa","policy-string":"3 1 1 aabbcc","policy-domain":"example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "policy-string is a string, not an array", "policy-string as a plain string"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"sts","policy-string":[],"policy-domain":"example.com","mx-host":[]},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "", "empty policy-string and mx-host"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"sts","policy-domain":"example.com"},"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"sts-policy-fetch-error","failed-session-count":1,"failure-reason-code":"bad https response code: 404"}]}]})",
     "policy-string missing for a sts policy", "Mail.ru: no policy-string"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"no-policy-found"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "policy-domain missing", "sys4: no policy-domain"},
    {WS_HEAD
     R"("policies":[{"policy":{"policy-type":"dmarc","policy-domain":"example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]})",
     "unknown policy-type \"dmarc\" kept as is", "unknown policy type"},
    {WS_HEAD R"("policies":[{)" WS_POLICY R"(,"summary":{"total-successful-session-count":1}}]})",
     "total-failure-session-count missing", "no failure count"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"certificate-expired","sending-mta-ip":"203.0.113.5","receiving-ip":"198.51.100.7","receiving-mx-hostname":"mx.example.com","failed-session-count":2}]}]})",
     "failure-details add up to 2 failed sessions, total-failure-session-count says 1",
     "details add up to more than the total"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":5}}]})",
     "5 failed sessions counted without failure-details", "failures without details"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"quantum-failure","failed-session-count":1}]}]})",
     "unknown result-type \"quantum-failure\" kept as is", "unknown result type"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"certificate-expired","receiving-mx-host-name":"mx.example.com","failed-session-count":1}]}]})",
     "receiving-mx-host-name read as receiving-mx-hostname", "receiving-mx-host-name spelling"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"validation-failure","failure-error-code":"X509_V_ERR","failed-session-count":1}]}]})",
     "failure-error-code (draft name) read as failure-reason-code", "draft failure-error-code"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"validation-failure","sending-mta-ip":"not-an-ip","failed-session-count":1}]}]})",
     "not an IP address", "sending-mta-ip that is no address"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"validation-failure","receiving-ip":"198.51.100.7\u0000junk","failed-session-count":1}]}]})",
     "not an IP address", "receiving-ip with a NUL after the address"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":"12","total-failure-session-count":0}}]})",
     "session count written as a string", "count as a string"},
    {WS_HEAD R"("policies":[],"extra-field":1})", "unknown field \"extra-field\" ignored",
     "unknown top-level field"},
    {WS_HEAD R"("policies":[]})", "policies is empty", "no policies"},
    {WS_HEAD R"("report-id":"r2","policies":[]})", "field \"report-id\" repeated", "duplicate key"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"2024-09-16T00:00:00Z","end-datetime":"2024-09-15T00:00:00Z"},"report-id":"r","policies":[]})",
     "date-range ends before it starts", "end before start"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r","policies":[]})",
     "contact-info missing", "no contact-info"},
    {"\xEF\xBB\xBF" WS_HEAD R"("policies":[]})", "byte order mark", "UTF-8 BOM"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":1,"total-failure-session-count":0},"failure-details":null}]})",
     "failure-details is null", "failure-details null"},
};

inline constexpr ReportRefusal kReportRefusals[] = {
    {"", "$", "not JSON", "empty input"},
    {"not json", "$", "not JSON", "text"},
    {R"({"organization-name":"Org","policies":[1,2,,,]})", "$", "not JSON",
     "broken tail that a lazy parser would not see"},
    {R"([1,2,3])", "$", "not an object", "an array"},
    {R"("report")", "$", "not an object", "a string"},
    {R"({"date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r","policies":[]})",
     "$", "organization-name missing", "no organisation"},
    {R"({"organization-name":"Org","report-id":"r","policies":[]})", "$", "date-range missing",
     "no date range"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"policies":[]})",
     "$", "report-id missing", "no report id"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r"})",
     "$", "policies missing", "no policies"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"yesterday","end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r","policies":[]})",
     "$.date-range.start-datetime", "not an RFC 3339 date-time", "date in words"},
    {R"({"organization-name":"Org","date-range":{"start-datetime":"2024-02-30T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r","policies":[]})",
     "$.date-range.start-datetime", "no such date", "30 February"},
    {R"({"organization-name":"Org","date-range":{"end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r","policies":[]})",
     "$.date-range", "start-datetime missing", "no start"},
    {R"({"organization-name":42,"date-range":{"start-datetime":"2024-09-15T00:00:00Z","end-datetime":"2024-09-15T23:59:59Z"},"report-id":"r","policies":[]})",
     "$.organization-name", "expected a string, found a number", "number as name"},
    {WS_HEAD R"("policies":{"policy":{}}})", "$.policies", "expected an array", "policies object"},
    {WS_HEAD R"("policies":[7]})", "$.policies[0]", "expected an object", "policy result number"},
    {WS_HEAD R"("policies":[{)" WS_POLICY R"(}]})", "$.policies[0]", "summary missing",
     "no summary"},
    {WS_HEAD R"("policies":[{)" WS_POLICY R"(,"summary":{"total-successful-session-count":-1}}]})",
     "$.policies[0].summary.total-successful-session-count", "negative", "negative count"},
    {WS_HEAD R"("policies":[{)" WS_POLICY R"(,"summary":{"total-successful-session-count":1.5}}]})",
     "$.policies[0].summary.total-successful-session-count", "not a whole number",
     "fractional count"},
    {WS_HEAD
     R"("policies":[{)" WS_POLICY
     R"(,"summary":{"total-successful-session-count":1},"failure-details":[{"result-type":"x","failed-session-count":true}]}]})",
     "$.policies[0].failure-details[0].failed-session-count", "expected a session count",
     "boolean count"},
    {R"({"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
     "$", "report_json_depth", "nested too deep"},
    {"{\"organization-name\":\"\xff\xfe\"}", "$", "not JSON", "invalid UTF-8"},
};

#undef WS_HEAD
#undef WS_POLICY

}  // namespace webshield::cases
