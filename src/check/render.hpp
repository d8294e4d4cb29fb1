// Renderers: the JSON shapes of docs/json.md and the human text of `webshield check` and
// `webshield lint`. They only format; every judgement is made before.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "check/result.hpp"
#include "core/finding.hpp"
#include "records/mtasts_policy.hpp"
#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"

namespace webshield::check {

// Whether to colour what goes to `stream`: a terminal, and NO_COLOR unset or empty.
bool use_color(std::FILE* stream);

void print_findings(std::ostream& out, const Findings& findings, bool color);
void print_verdict(std::ostream& out, Verdict verdict, const Findings& findings, bool color);
void print_check(std::ostream& out, const CheckResult& result, bool color);

nlohmann::json to_json(const Finding& finding);
nlohmann::json to_json(const Findings& findings);
nlohmann::json to_json(const records::TlsRptRecord& record);
nlohmann::json to_json(const records::StsRecord& record);
nlohmann::json to_json(const records::StsPolicy& policy);
nlohmann::json to_json(const CheckResult& result);

}  // namespace webshield::check
