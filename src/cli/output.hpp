// Rendering for the command line: findings as aligned text lines (colour only on a terminal
// and never with NO_COLOR) and the JSON shapes of docs/json.md.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/finding.hpp"
#include "records/mtasts_policy.hpp"
#include "records/mtasts_record.hpp"
#include "records/tlsrpt_record.hpp"

namespace webshield::cli {

// Whether to colour what goes to `stream`: a terminal, and NO_COLOR unset or empty.
bool use_color(std::FILE* stream);

void print_findings(std::ostream& out, const Findings& findings, bool color);
void print_verdict(std::ostream& out, Verdict verdict, const Findings& findings, bool color);

nlohmann::json to_json(const Finding& finding);
nlohmann::json to_json(const Findings& findings);
nlohmann::json to_json(const records::TlsRptRecord& record);
nlohmann::json to_json(const records::StsRecord& record);
nlohmann::json to_json(const records::StsPolicy& policy);

}  // namespace webshield::cli
